-- title: Sectors with counts
-- description: Where are the commitments concentrated? Every sector (including those with none)
--   with its number of commitments, of those with a figure or a deadline, of claims about them,
--   and of context indicators.
-- param: none
-- example: python cli.py query sectors
SELECT
    sec.sector_id,
    sec.name_en,
    sec.name_fr,
    (SELECT count(*) FROM commitments AS c WHERE c.sector_id = sec.sector_id) AS commitments,
    (SELECT count(*) FROM commitments AS c
      WHERE c.sector_id = sec.sector_id AND (c.target_value IS NOT NULL OR c.deadline_year IS NOT NULL))
        AS with_figure_or_deadline,
    (SELECT count(*) FROM claims AS cl JOIN commitments AS c USING (commitment_id)
      WHERE c.sector_id = sec.sector_id) AS claims,
    (SELECT count(*) FROM indicators AS i WHERE i.sector_id = sec.sector_id) AS indicators
FROM sectors AS sec
ORDER BY commitments DESC, sec.sector_id
