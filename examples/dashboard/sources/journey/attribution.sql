-- Purchases and revenue credited to each channel, by model: the heuristic
-- models of journey_attribution summed over customers, then Markov
-- (removal effect, order 1) and exact Shapley values over the same paths.
SELECT model, label AS channel, sum(credit) AS conversions, sum(value_credit) AS revenue
FROM unnest(ARRAY['first_touch', 'last_touch', 'last_non_direct', 'linear', 'position_based', 'time_decay']) AS m(model),
     channel_purchase_journeys,
     journey_attribution(j, model, '{purchase}')
GROUP BY model, label
UNION ALL
SELECT 'markov', label, conversions, value
FROM markov_attribution((SELECT markov_counts(j, '{purchase}', 1) FROM channel_purchase_journeys))
UNION ALL
SELECT 'shapley', label, conversions, value
FROM shapley_attribution((SELECT shapley_counts(j, '{purchase}') FROM channel_purchase_journeys))
ORDER BY model, channel
