-- title: Budgets, targets and amounts by unit
-- description: How much of what was promised? Every commitment with a target value or a figure
--   stated in a claim, grouped by unit (MAD, watts, counts…): the recorded target, and every
--   distinct figure the sources state for it, so disputed amounts show up as several values.
-- param: dimension VARCHAR = '' -- only units of this dimension (currency, power, count, ratio…); empty for all
-- example: python cli.py query amounts-by-unit
-- example: python cli.py query amounts-by-unit --param dimension=currency
WITH stated AS (
    SELECT
        commitment_id,
        unit_id,
        list(DISTINCT value ORDER BY value DESC) AS stated_values,
        count(*) AS claims_with_value
    FROM claims
    WHERE commitment_id IS NOT NULL AND value IS NOT NULL
    GROUP BY commitment_id, unit_id
)
SELECT
    u.unit_id,
    u.label AS unit,
    u.dimension,
    c.commitment_id,
    c.title_en,
    c.kind,
    c.target_qualifier,
    c.target_value,
    c.deadline_year,
    stated.stated_values,
    coalesce(stated.claims_with_value, 0) AS claims_with_value
FROM commitments AS c
LEFT JOIN stated ON stated.commitment_id = c.commitment_id
    AND stated.unit_id IS NOT DISTINCT FROM coalesce(c.unit_id, stated.unit_id)
JOIN units AS u ON u.unit_id = coalesce(c.unit_id, stated.unit_id)
WHERE (c.target_value IS NOT NULL OR stated.stated_values IS NOT NULL)
  AND ($dimension = '' OR u.dimension = $dimension)
ORDER BY u.dimension, u.unit_id, c.target_value DESC NULLS LAST, c.commitment_id
