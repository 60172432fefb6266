-- title: Commitments due by a given year
-- description: What must be delivered by a given year? Every commitment whose deadline falls on
--   or before the year, with its target, unit, owner and latest reported status. A target the
--   sources disagree on is blank in target_value but shown as the range they state in target
--   ("40,000 to 240,000 (sources disagree)"; target_low, target_high and the discrepancy from the
--   view commitment_targets). Commitments without a stated deadline are left out.
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
    t.target_text AS target,
    t.target_low,
    t.target_high,
    t.disputed,
    t.discrepancy_id,
    u.label AS unit,
    owner.name AS owner,
    latest.status,
    latest.status_as_of
FROM commitments AS c
JOIN commitment_targets AS t USING (commitment_id)
LEFT JOIN units AS u ON u.unit_id = c.unit_id
LEFT JOIN actors AS owner ON owner.actor_id = c.owner_actor_id
LEFT JOIN latest USING (commitment_id)
WHERE c.deadline_year <= $year
ORDER BY c.deadline_year, c.commitment_id
