-- title: A commitment's status does not go backwards without a change of course
-- why: Along the lifecycle announced → in_progress → partially_achieved → achieved, a status row
--   ranked below the row just before it (in as_of order) silently undoes progress. A deliberate
--   reversal is recorded as a change of course first (stalled, broken or cancelled), after which
--   any status may follow; otherwise as_of, the status or the commitment is mistyped.
-- checks: status_updates
WITH lifecycle(status, rank) AS (
    -- The order is defined here, not taken from the schema's enum (which lists achieved before
    -- partially_achieved); stalled, broken and cancelled are changes of course, outside it.
    VALUES ('announced', 1), ('in_progress', 2), ('partially_achieved', 3), ('achieved', 4)
),
ordered AS (
    SELECT s._row, s.commitment_id, s.as_of, s.status,
           lag(s.status) OVER (PARTITION BY s.commitment_id ORDER BY s.as_of) AS previous_status,
           lag(s.as_of) OVER (PARTITION BY s.commitment_id ORDER BY s.as_of) AS previous_as_of
    FROM status_updates AS s
)
SELECT 'status_updates' AS resource, o._row AS row_number, 'status' AS column_name,
       'commitment ' || o.commitment_id || ' was ' || o.previous_status || ' as of '
           || o.previous_as_of || ', then ' || o.status || ' as of ' || o.as_of AS detail
FROM ordered AS o
JOIN lifecycle AS now ON now.status = o.status
JOIN lifecycle AS before ON before.status = o.previous_status
WHERE now.rank < before.rank
ORDER BY o._row
