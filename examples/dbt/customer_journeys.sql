-- A dbt incremental model: one journey per customer, kept current.  The
-- first run builds every journey; each later run aggregates only the
-- events newer than what the table already holds and appends them to the
-- stored journeys (||, which keeps time order), so a run costs the new
-- events and the journeys they touch, not the whole history.  dbt's
-- delete+insert (the default with a unique_key on PostgreSQL) then
-- replaces the rows of the customers the run touched.  test/incremental.sh
-- renders and runs both kinds of run and compares them with a rebuild.
{{ config(materialized='incremental', unique_key='customer_id') }}

with new_events as (
    select customer_id, journey_agg(ts, event, value) as j, max(ts) as last_event_at
    from {{ ref('events') }}
{% if is_incremental() %}
    -- in production, filter on the time events were loaded, so that late
    -- events are not missed
    where ts > (select max(last_event_at) from {{ this }})
{% endif %}
    group by customer_id
)
select n.customer_id,
{% if is_incremental() %}
       coalesce(t.j || n.j, n.j) as j,
{% else %}
       n.j,
{% endif %}
       n.last_event_at
from new_events n
{% if is_incremental() %}
left join {{ this }} t using (customer_id)
{% endif %}
