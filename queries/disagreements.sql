-- title: Every disagreement between sources, each version on its own row
-- description: Did two sources disagree, about anything? Every recorded discrepancy (a figure, a
--   place, a date, a count, the spelling of a name) with each version the sources give: the quote
--   or spelling, the figure it states, the source, outlet and date, and what it is about. Unlike
--   disputed-figures, this also lists disagreements that carry no number.
-- param: kind VARCHAR = '' -- only discrepancies of this kind (value, place, date, count, name); empty for all
-- example: python cli.py query disagreements
-- example: python cli.py query disagreements --param kind=place
WITH version AS (
    SELECT
        dc.discrepancy_id,
        'claim' AS version_type,
        cl.claim_id AS version_id,
        coalesce(cl.commitment_id, cl.indicator_id, cl.event_id) AS about,
        cl.quote AS version,
        cl.value,
        cl.unit_id,
        cl.source_id
    FROM discrepancy_claims AS dc
    JOIN claims AS cl USING (claim_id)
    UNION ALL
    SELECT
        da.discrepancy_id,
        'alias' AS version_type,
        da.alias AS version_id,
        da.actor_id AS about,
        da.alias AS version,
        NULL AS value,
        NULL AS unit_id,
        da.source_id
    FROM discrepancy_aliases AS da
)
SELECT
    d.discrepancy_id,
    d.kind,
    v.about,
    v.version_type,
    v.version_id,
    v.version,
    v.value,
    v.unit_id,
    s.source_id,
    s.outlet,
    s.published_on,
    d.description
FROM discrepancies AS d
JOIN version AS v USING (discrepancy_id)
JOIN sources AS s ON s.source_id = v.source_id
WHERE $kind = '' OR d.kind = $kind
ORDER BY d.discrepancy_id, s.source_id, v.version_id
