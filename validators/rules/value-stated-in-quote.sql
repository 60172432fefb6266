-- title: A claim's value_stated is its figure exactly as the quote writes it
-- why: value_stated shows readers the figure as they read it in the source ("11 milliards de
--   dirhams", "16 GW", "40.000"): it must be one figure of the quote, character for character (the
--   span commitment_tracker/figures.py finds, qualifier words such as "plus de" left out), and that
--   figure must be the row's value, in its unit, with its qualifier. Copy the span from the quote,
--   or correct value, unit_id or qualifier.
-- checks: claims
SELECT 'claims' AS resource, k._row AS row_number, 'value_stated' AS column_name,
       CASE WHEN NOT contains(k.quote, k.value_stated) THEN 'not a passage of the quote'
            ELSE 'the quote states ' || figures_stated(k.quote) END AS detail
FROM claims AS k
WHERE k.value_stated IS NOT NULL AND k.value IS NOT NULL
  AND NOT states_figure(k.quote, k.value_stated, k.value, k.unit_id, k.qualifier)
ORDER BY k._row
