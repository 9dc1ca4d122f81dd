# ps_match.R -- reference values for src/stats/match.c.
#
# Run from the repository root:  Rscript tests/golden/stats/ps_match.R
# Writes tests/golden/stats/ps_match.txt.
#
# Nearest-neighbour matching of resected patients (arm2 = 1) to patients on
# imatinib alone (arm2 = 0) as MatchIt 4.5
#   matchit(arm2 ~ ..., method = "nearest", distance = "glm",
#           link = "linear.logit", ratio, replace, m.order, caliper,
#           std.caliper = TRUE, discard)
# with the two defects of the installed MatchIt 4.5.1 corrected; see
# ps_nearest.R, which checks that its transcription reproduces MatchIt 4.5.1
# exactly when the defects are emulated.  The distance is MatchIt's (the
# linear predictor of its glm).  Age is recorded in whole years, so 75
# patients share their distance with an earlier patient and the
# tie-breaking rules are exercised.
#
# For each configuration <cfg>:
#   <cfg>_mm          matched control rows (0-based), `ratio` values per
#                     treated patient in data order, NA where none
#   <cfg>_weights     MatchIt's matching weights (weights.matrix) for them
#   <cfg>_caliper     the caliper on the distance scale (when one is used)
#   <cfg>_discarded   discarded patients (discard = "both")
# A second, independent check: MatchIt's other nearest-neighbour routine
# (nn_matchC, used when the distance is given as a matrix, and free of the
# integer abs) must agree with the reference for m.order = "data" up to
# the choice between exactly equally near controls (it takes the first in
# data order); the script stops otherwise.
source("tests/golden/stats/ps_cohort.R")
source("tests/golden/stats/ps_nearest.R")

con <- file("tests/golden/stats/ps_match.txt", "w")
writeLines("# written by tests/golden/stats/ps_match.R", con)

first <- matchit_reference(ps_formula2, cohort)
put(con, "distance", first$distance)
put(con, "treat", first$treat)

cfgs <- list(
  list("r1_largest", 1, FALSE, "largest", NULL, "none"),
  list("r1_smallest", 1, FALSE, "smallest", NULL, "none"),
  list("r1_data", 1, FALSE, "data", NULL, "none"),
  list("r2_largest", 2, FALSE, "largest", NULL, "none"),
  list("r2_data", 2, FALSE, "data", NULL, "none"),
  list("r3_largest", 3, FALSE, "largest", NULL, "none"),   # runs out of controls
  list("r1_cal_largest", 1, FALSE, "largest", 0.2, "none"),
  list("r1_cal_data", 1, FALSE, "data", 0.2, "none"),
  list("r2_cal_largest", 2, FALSE, "largest", 0.2, "none"),
  list("r2_cal_data", 2, FALSE, "data", 0.2, "none"),
  list("r1_cal_discard", 1, FALSE, "largest", 0.2, "both"),
  list("rep_r1", 1, TRUE, "largest", NULL, "none"),
  list("rep_r1_cal", 1, TRUE, "largest", 0.2, "none"),
  list("rep_r2", 2, TRUE, "largest", NULL, "none"),
  list("rep_r2_cal", 2, TRUE, "largest", 0.2, "none"))

treat <- first$treat
dist <- first$distance
D <- abs(outer(dist[treat == 1], dist[treat == 0], "-"))
changed <- 0
for (cf in cfgs) {
  ref <- matchit_reference(ps_formula2, cohort, ratio = cf[[2]],
                           replace = cf[[3]], m.order = cf[[4]],
                           caliper = cf[[5]], discard = cf[[6]])
  name <- cf[[1]]
  put(con, paste0(name, "_mm"), as.integer(t(ref$mm)) - 1L)
  put(con, paste0(name, "_weights"), ref$weights)
  if (!is.null(ref$caliper)) put(con, paste0(name, "_caliper"), ref$caliper)
  if (cf[[6]] != "none") put(con, paste0(name, "_discarded"), as.numeric(ref$discarded))
  changed <- changed + sum(xor(is.na(ref$mm), is.na(ref$matchit_mm)) |
                           (!is.na(ref$mm) & !is.na(ref$matchit_mm) &
                              ref$mm != ref$matchit_mm))

  if (cf[[4]] == "data" || cf[[3]]) {
    mx <- suppressWarnings(matchit(ps_formula2, data = cohort,
                                   method = "nearest", distance = D,
                                   ratio = cf[[2]], replace = cf[[3]],
                                   caliper = ref$caliper, std.caliper = FALSE))
    alt <- matrix(as.integer(mx$match.matrix), nrow(mx$match.matrix))
    t_rows <- which(treat == 1)
    near <- function(i, c) if (is.na(c)) NA_real_ else abs(dist[c] - dist[t_rows[i]])
    alt <- unname(alt)
    refm <- unname(ref$mm)
    if (cf[[3]]) {
      # With replacement each patient's matches are independent: the same
      # distances, whichever of two equally near controls is taken.
      for (i in seq_len(nrow(alt)))
        stopifnot(identical(sort(sapply(alt[i, ], near, i = i), na.last = TRUE),
                            sort(sapply(refm[i, ], near, i = i), na.last = TRUE)))
    } else {
      # Without replacement an early tie changes what is left for later
      # patients: the first difference, in matching order, must be a tie.
      done <- FALSE
      for (r in seq_len(cf[[2]])) for (i in seq_len(nrow(alt))) {
        if (done || identical(alt[i, r], refm[i, r])) next
        stopifnot(identical(near(i, alt[i, r]), near(i, refm[i, r])))
        done <- TRUE
      }
    }
  }
}
writeLines(sprintf("# MatchIt %s's own matches differ from these in %d cells in all",
                   packageVersion("MatchIt"), changed), con)
close(con)
