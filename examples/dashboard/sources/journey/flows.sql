-- Sankey edges of the first four channels of each journey; channels
-- reached by fewer than 200 customers at a depth are folded into (other).
-- source and target are the node ids ('1: search') a Sankey chart takes.
SELECT depth, from_label, to_label, source, target, journeys
FROM flows((SELECT flow_counts(j, 4) FROM channel_journeys), 200)
ORDER BY depth, source, target
