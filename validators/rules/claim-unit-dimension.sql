-- title: A claim's unit measures what its commitment or indicator measures
-- why: A figure in MAD cannot support a target counted in jobs: the claim's unit must have the
--   same dimension (currency, power, count, ...) as the unit of the commitment or indicator it is
--   about. Fix the unit_id of whichever is wrong.
-- checks: claims
SELECT 'claims' AS resource, k._row AS row_number, 'unit_id' AS column_name,
       'unit ' || k.unit_id || ' is ' || ku.dimension || ' but '
           || coalesce('commitment ' || c.commitment_id, 'indicator ' || i.indicator_id)
           || ' is in ' || su.unit_id || ' (' || su.dimension || ')' AS detail
FROM claims AS k
JOIN units AS ku ON ku.unit_id = k.unit_id
LEFT JOIN commitments AS c ON c.commitment_id = k.commitment_id
LEFT JOIN indicators AS i ON i.indicator_id = k.indicator_id
JOIN units AS su ON su.unit_id = coalesce(c.unit_id, i.unit_id)
WHERE ku.dimension <> su.dimension
ORDER BY k._row
