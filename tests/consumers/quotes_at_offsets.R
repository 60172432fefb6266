# Reproduce every quote and alias from its offsets, as an R user would, with base R only.
# Usage: Rscript quotes_at_offsets.R PACKAGE_ROOT
# Prints one line per table: name, rows whose text equals substr(seed, quote_start + 1, quote_end), rows.
# Offsets count Unicode characters (Python string indices, 0-based, end exclusive): substr counts
# characters too, provided the strings are marked UTF-8 (encoding = "UTF-8", not fileEncoding,
# which would re-encode to the locale and break under LANG=C).
args <- commandArgs(trailingOnly = TRUE)
root <- args[1]
read_table <- function(name) {
  read.csv(file.path(root, "data", paste0(name, ".csv")), encoding = "UTF-8",
           stringsAsFactors = FALSE, na.strings = "")
}
read_seed <- function(path) {
  file <- file.path(root, path)
  text <- readChar(file, file.info(file)$size, useBytes = TRUE)
  Encoding(text) <- "UTF-8"
  text
}
sources <- read_table("sources")
seeds <- setNames(vapply(sources$seed_path, read_seed, ""), sources$source_id)
for (table in list(c("claims", "quote"), c("actor_aliases", "alias"))) {
  rows <- read_table(table[1])
  found <- substr(seeds[rows$source_id], rows$quote_start + 1, rows$quote_end)
  cat(table[1], sum(found == rows[[table[2]]]), nrow(rows), "\n")
}
