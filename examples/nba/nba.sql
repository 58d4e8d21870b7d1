-- Next best action in real time: each new event is appended to the
-- customer's stored journey, and the actions not yet taken on any channel
-- are ranked by a stored Markov model (test/nba.sh runs this file under
-- 16 concurrent clients; bench/nba.sh measures it).
CREATE TABLE nba_journeys (customer_id bigint PRIMARY KEY, j journey NOT NULL);
INSERT INTO nba_journeys SELECT customer_id, j FROM channel_purchase_journeys;

-- the model, refitted as often as it needs to be (one row)
CREATE TABLE nba_model (id int PRIMARY KEY DEFAULT 1 CHECK (id = 1), model markov_counts NOT NULL);
INSERT INTO nba_model (model) SELECT markov_counts(j, '{purchase}', 2) FROM nba_journeys;

-- One call per event: the row lock of INSERT ... ON CONFLICT DO UPDATE
-- makes concurrent events of one customer wait for each other, and each
-- appends to the journey the one before it committed, so none is lost.
CREATE FUNCTION nba_event(customer bigint, ts timestamptz, label text,
                          actions text[] DEFAULT '{email,display,social,affiliate,search,referral}')
RETURNS TABLE (rank bigint, action text, conversion_probability float8, uplift float8)
LANGUAGE sql VOLATILE AS $$
    WITH stored AS (
        INSERT INTO nba_journeys AS s VALUES (customer, journey(ARRAY[ts], ARRAY[label]))
        ON CONFLICT (customer_id) DO UPDATE SET j = s.j || excluded.j
        RETURNING s.j)
    SELECT b.ordinality, b.candidate, b.conversion_probability, b.uplift
    FROM stored, nba_model m,
         markov_next_best(m.model, stored.j,
                          ARRAY(SELECT a FROM unnest(actions) a WHERE NOT journey_has_label(stored.j, a)))
             WITH ORDINALITY b
    ORDER BY b.ordinality
$$;
