-- identity_graph and identity stitching: properties and bad input.
BEGIN;
SELECT plan(17);

SELECT setseed(0.77);
CREATE TEMP TABLE rl AS
SELECT (ARRAY['crm:', 'cookie:', 'device:'])[1 + floor(random() * 3)::int] || floor(random() * 400)::int AS a,
	   CASE WHEN random() < 0.05 THEN NULL
			ELSE (ARRAY['crm:', 'cookie:', 'device:'])[1 + floor(random() * 3)::int] || floor(random() * 400)::int END AS b
FROM generate_series(1, 1500);
CREATE TEMP TABLE rg AS SELECT identity_links(a, b) AS g FROM rl;

SELECT ok((SELECT g::text::identity_graph::text = g::text FROM rg), 'text output reads back to the same graph');
SELECT ok((SELECT identity_links(a, b ORDER BY random())::text = (SELECT g::text FROM rg) FROM rl),
		  'identity_links does not depend on input order');
SELECT ok((SELECT identity_links(b, a)::text = (SELECT g::text FROM rg) FROM rl), 'links are undirected');
SELECT ok((SELECT identity_rollup(g)::text = (SELECT g::text FROM rg)
		   FROM (SELECT identity_links(a, b) AS g FROM rl GROUP BY length(a) % 3) parts),
		  'identity_rollup of partial graphs is the graph of all links');
SELECT is((SELECT count(*) FROM identity_resolve((SELECT g FROM rg))),
		  (SELECT count(DISTINCT id) FROM (SELECT a AS id FROM rl UNION ALL SELECT b FROM rl) ids WHERE id IS NOT NULL),
		  'every identifier gets one row');
SELECT ok((SELECT bool_and(r.person_id IS NOT NULL) FROM identity_resolve((SELECT g FROM rg)) r),
		  'merge mode gives every identifier a person');
SELECT ok((SELECT bool_and(l.pa = l.pb)
		   FROM (SELECT ra.person_id AS pa, rb.person_id AS pb
				 FROM rl JOIN identity_resolve((SELECT g FROM rg)) ra ON ra.id = rl.a
				 JOIN identity_resolve((SELECT g FROM rg)) rb ON rb.id = rl.b) l),
		  'linked identifiers have the same person in merge mode');
SELECT ok((SELECT bool_and(person_id LIKE 'crm:%') FROM identity_resolve((SELECT g FROM rg), '{crm:}') r
		   WHERE EXISTS (SELECT 1 FROM identity_resolve((SELECT g FROM rg)) m, identity_resolve((SELECT g FROM rg)) m2
						 WHERE m.id = r.id AND m2.person_id = m.person_id AND m2.id LIKE 'crm:%')),
		  'with prefer, a cluster holding a CRM id is named by one');
SELECT ok((SELECT bool_and(person_id IS NULL OR NOT (id LIKE 'crm:%') OR person_id = id)
		   FROM identity_resolve((SELECT g FROM rg), NULL, 'crm:')),
		  'split mode: known customers are their own persons');
SELECT ok((SELECT count(*) = count(DISTINCT person_id) FROM identity_resolve((SELECT g FROM rg), NULL, 'crm:') WHERE id LIKE 'crm:%'),
		  'split mode: no two known customers share a person');
SELECT set_eq($$SELECT id FROM identity_resolve((SELECT g FROM rg), NULL, 'crm:') WHERE person_id IS NULL$$,
			  $$SELECT id FROM identity_conflicts((SELECT g FROM rg), 'crm:')$$,
			  'identifiers without a person in split mode are exactly the reported conflicts');
SELECT set_eq($$SELECT * FROM identity_resolve((SELECT g FROM rg), '{crm:1,device:,"",c,crm:,NULL,crm:1,cookie:3,crm:10000}')$$,
			  $$WITH m AS (SELECT id, person_id AS cluster FROM identity_resolve((SELECT g FROM rg))),
					 p AS (SELECT * FROM unnest('{crm:1,device:,"",c,crm:,NULL,crm:1,cookie:3,crm:10000}'::text[]) WITH ORDINALITY p(prefix, k)),
					 r AS (SELECT id, cluster, (SELECT min(k) FROM p WHERE starts_with(id, prefix)) AS k FROM m)
				SELECT r.id, b.id AS person_id FROM r JOIN (SELECT DISTINCT ON (cluster) cluster, id FROM r
											   ORDER BY cluster, k NULLS LAST, id COLLATE "C") b USING (cluster)$$,
			  'prefer: nested, repeated, empty and NULL prefixes rank as the first one that matches');

SELECT throws_ok($$SELECT '[a -- ]'::identity_graph$$, '22P02', NULL, 'link without a second identifier');
SELECT throws_ok($$SELECT identity_links(repeat('x', 1025), 'y')$$, '54000', 'identifier too long', 'identifier over 1024 bytes');
SELECT throws_ok($$SELECT identity_links_transfn(NULL, 'a', 'b')$$, '0A000', NULL, 'support function outside an aggregate');
SELECT is((SELECT count(*) FROM identity_resolve(NULL)), 0::bigint, 'NULL graph resolves to no rows');
SELECT is((SELECT count(*) FROM identity_conflicts('["a" -- "b"]', NULL)), 0::bigint, 'NULL known prefix reports nothing');

SELECT * FROM finish();
ROLLBACK;
