-- Identity stitching (DESIGN.md S9): identity graphs, resolution to
-- persons, shared identifiers.

-- Text form: links (each once, smaller identifier first), then identifiers
-- without links; self-links only register an identifier.
SELECT '["crm:1" -- c1, c2 -- "crm:1", lone, c2 -- c1, c1 -- c1, c1 -- c2]'::identity_graph;
SELECT '[]'::identity_graph, '["a \"b\"" -- "→", ""]'::identity_graph;
SELECT '["a" -- ]'::identity_graph;
SELECT '["a" - "b"]'::identity_graph;
SELECT '[a, b'::identity_graph;

CREATE TABLE links (a text, b text);
INSERT INTO links VALUES
	('cookie:1', 'crm:7'), ('cookie:2', 'cookie:1'),
	('cookie:3', 'device:9'), ('device:9', 'crm:8'), ('device:9', 'crm:7'),
	('cookie:4', NULL), (NULL, NULL),
	('cookie:5', 'device:6'),
	('crm:7', 'crm:9');

SELECT identity_links(a, b) FROM links;
SELECT identity_links(a, b) FROM links WHERE false;

-- Merge mode: connected components; canonical id the bytewise smallest.
SELECT * FROM identity_resolve((SELECT identity_links(a, b) FROM links));
-- Preferred kinds: a CRM id names the person, else a device id.
SELECT * FROM identity_resolve((SELECT identity_links(a, b) FROM links), '{crm:,device:}');
-- Split mode: known customers (crm:) are never merged; cookie:3 and
-- device:9 reach both crm:7 and crm:8 and get no person.
SELECT * FROM identity_resolve((SELECT identity_links(a, b) FROM links), '{crm:,device:}', 'crm:');
SELECT * FROM identity_conflicts((SELECT identity_links(a, b) FROM links), 'crm:');
SELECT count(*) FROM identity_conflicts((SELECT identity_links(a, b) FROM links WHERE b <> 'crm:8'), 'crm:');

-- Rollup: graphs built per source combine into the graph of all links.
SELECT identity_rollup(g)::text = (SELECT identity_links(a, b) FROM links)::text AS same
FROM (SELECT a < 'cookie:3' AS part, identity_links(a, b) AS g FROM links GROUP BY 1) parts;

-- Stitch web cookies to CRM customers, then build customer journeys
-- across devices.
CREATE TABLE web (cookie text, ts timestamptz, page text);
INSERT INTO web VALUES
	('cookie:1', '2024-03-01 09:00:00+00', 'ad_click'),
	('cookie:2', '2024-03-01 12:00:00+00', 'product_view'),
	('cookie:1', '2024-03-02 10:00:00+00', 'purchase'),
	('cookie:5', '2024-03-01 08:00:00+00', 'page_view'),
	('cookie:3', '2024-03-01 08:30:00+00', 'page_view');
WITH persons AS (
	SELECT * FROM identity_resolve((SELECT identity_links(a, b) FROM links), '{crm:}', 'crm:')
)
SELECT p.person_id, journey_agg(w.ts, w.page) AS journey
FROM web w JOIN persons p ON p.id = w.cookie
GROUP BY p.person_id ORDER BY p.person_id;

-- Against connected components computed with a recursive CTE on
-- generated links (merge mode, canonical id = smallest member).
CREATE TABLE glinks AS
SELECT 'u' || (i * 7919 % 3000) AS a, 'u' || (i * 104729 % 3000) AS b
FROM generate_series(1, 1800) i;
CREATE TABLE cte_components AS
WITH RECURSIVE edges AS (
	SELECT a AS x, b AS y FROM glinks UNION SELECT b, a FROM glinks
	UNION SELECT a, a FROM glinks UNION SELECT b, b FROM glinks
), reach (id, other) AS (
	SELECT x, y FROM edges
	UNION
	SELECT r.id, e.y FROM reach r JOIN edges e ON e.x = r.other
)
SELECT id, min(other COLLATE "C") AS person_id FROM reach GROUP BY id;
SELECT count(*) AS ids,
	   count(*) FILTER (WHERE c.person_id = r.person_id) AS same_person,
	   count(DISTINCT r.person_id) AS persons
FROM cte_components c
FULL JOIN identity_resolve((SELECT identity_links(a, b) FROM glinks)) r USING (id);

DROP TABLE links, web, glinks, cte_components;
