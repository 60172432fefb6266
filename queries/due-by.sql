-- title: Commitments due by a given year
-- description: What must be delivered by a given year? Every commitment whose deadline falls on
--   or before the year, with its target, unit, owner and latest reported status. Commitments
--   without a stated deadline are left out.
-- param: year INTEGER = 2030 -- last deadline year included
-- example: python cli.py query due-by --param year=2030
WITH latest AS (
    SELECT commitment_id, arg_max(status, as_of) AS status, max(as_of) AS status_as_of
    FROM status_updates
    GROUP BY commitment_id
)
SELECT
    c.commitment_id,
    c.title_en,
    c.kind,
    c.deadline_year,
    c.target_qualifier,
    c.target_value,
    u.label AS unit,
    owner.name AS owner,
    latest.status,
    latest.status_as_of
FROM commitments AS c
LEFT JOIN units AS u USING (unit_id)
LEFT JOIN actors AS owner ON owner.actor_id = c.owner_actor_id
LEFT JOIN latest USING (commitment_id)
WHERE c.deadline_year <= $year
ORDER BY c.deadline_year, c.commitment_id
