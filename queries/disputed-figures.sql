-- title: Figures in dispute, both versions side by side
-- description: Which figures do the sources disagree on? One row per pair of claims recorded in
--   the same discrepancy that state different values: each side's value, qualifier, unit, quote,
--   outlet and date, so the two versions can be read next to each other.
-- param: none
-- example: python cli.py query disputed-figures
-- example: python cli.py query disputed-figures --format markdown
WITH side AS (
    SELECT
        dc.discrepancy_id,
        cl.claim_id,
        cl.commitment_id,
        cl.indicator_id,
        cl.event_id,
        cl.value,
        cl.qualifier,
        cl.unit_id,
        cl.quote,
        s.outlet,
        s.published_on,
        s.source_id
    FROM discrepancy_claims AS dc
    JOIN claims AS cl USING (claim_id)
    JOIN sources AS s USING (source_id)
)
SELECT
    d.discrepancy_id,
    d.kind,
    coalesce(a.commitment_id, a.indicator_id, a.event_id) AS about,
    a.value AS value_a,
    a.qualifier AS qualifier_a,
    a.unit_id AS unit_a,
    a.outlet AS outlet_a,
    a.published_on AS published_a,
    a.quote AS quote_a,
    b.value AS value_b,
    b.qualifier AS qualifier_b,
    b.unit_id AS unit_b,
    b.outlet AS outlet_b,
    b.published_on AS published_b,
    b.quote AS quote_b,
    a.claim_id AS claim_a,
    b.claim_id AS claim_b,
    d.description
FROM side AS a
JOIN side AS b ON a.discrepancy_id = b.discrepancy_id AND a.claim_id < b.claim_id
JOIN discrepancies AS d ON d.discrepancy_id = a.discrepancy_id
WHERE (a.value IS NOT NULL OR b.value IS NOT NULL)
  AND (a.value IS DISTINCT FROM b.value OR a.qualifier IS DISTINCT FROM b.qualifier)
ORDER BY d.discrepancy_id, a.claim_id, b.claim_id
