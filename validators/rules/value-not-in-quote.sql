-- title: A claim's value is a figure its quote states, with its unit and qualifier
-- why: claims.value is the figure the quote states, in the unit's base unit: the figure grammar
--   (commitment_tracker/figures.py) must find in the quote a figure equal to it, in its unit or
--   with no unit named ("103 %" states 103 percent; "11 milliards de dirhams" 11000000000 mad),
--   qualified as the row says ("plus de 40.000" is more_than, "40.000" exactly).
--   Correct the value, the unit or the qualifier, or quote the passage that states it; a count
--   made by the curator is not a figure the source states. A claim that gives value_stated is
--   judged by value-stated-in-quote instead (the same figure, read where the quote writes it),
--   so a wrong value is reported once and each quote is read by the figure grammar once.
-- checks: claims
SELECT 'claims' AS resource, k._row AS row_number, 'value' AS column_name,
       'the quote states ' || figures_stated(k.quote) AS detail
FROM claims AS k
-- The value reaches states_value only without value_stated (else NULL, answered at once): DuckDB
-- may call the function before the other conditions, and at 10^6 read every claim with a value.
WHERE k.value IS NOT NULL AND k.value_stated IS NULL
  AND NOT states_value(k.quote, CASE WHEN k.value_stated IS NULL THEN k.value END, k.unit_id, k.qualifier)
ORDER BY k._row
