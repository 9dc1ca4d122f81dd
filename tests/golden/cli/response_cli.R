# response_cli.R -- data files and reference numbers for
# tests/cli/test_response.sh.
# Run from the repository root:  Rscript tests/golden/cli/response_cli.R
# Writes tests/data/response_lesions.csv, tests/data/response_bad_type.csv,
# tests/data/response_bad_diameter.csv and tests/golden/cli/response_cli.txt
# (one "key v1 v2 ..." line per entry).
#
# The best overall responses are hand calculations under RECIST 1.1
# (Eisenhauer et al. 2009), given per patient below; R checks the
# arithmetic of the sums and computes the rates' exact intervals
# (binom.test).

lines <- character(0)
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA", sprintf("%.17g", x))
    lines <<- c(lines, paste(c(key, s), collapse = " "))
}

row <- function(p, day, id, organ, type, d, sa = NA, node = "no", nt = NA)
    data.frame(patient_id = p, day = day, lesion_id = id, organ = organ,
               type = type, diameter_mm = d, short_axis_mm = sa, is_node = node,
               nt_status = nt)
les <- rbind(
    # P01: 30 + 20 = 50 -> 34 (-32%) PR -> 30 (-40%) PR; non-target lung
    # lesion present throughout.  Best PR, best change -40%.
    row("P01", -5, "L1", "liver", "target", 30), row("P01", -5, "L2", "liver", "Target", 20),
    row("P01", -5, "NT1", "lung", "non-target", NA, nt = "present"),
    row("P01", 56, "L1", "liver", "target", 20), row("P01", 56, "L2", "liver", "target", 14),
    row("P01", 56, "NT1", "lung", "NT", NA, nt = "present"),
    row("P01", 112, "L1", "liver", "target", 18), row("P01", 112, "L2", "liver", "target", 12),
    row("P01", 112, "NT1", "lung", "nt", NA, nt = "Present"),
    # P02: 25 -> 0 CR -> 0 CR.  Best CR, -100%.
    row("P02", -3, "L1", "liver", "target", 25), row("P02", 56, "L1", "liver", "target", 0),
    row("P02", 112, "L1", "liver", "target", 0),
    # P03: 40 + 30 = 70 -> 67 (-4.3%) SD -> 85 (+26.9% and +18 mm from the
    # nadir 67) PD.  Best SD, first PD day 112, best change -4.2857%.
    row("P03", -7, "L1", "liver", "target", 40), row("P03", -7, "L2", "lung", "target", 30),
    row("P03", 56, "L1", "liver", "target", 38), row("P03", 56, "L2", "lung", "target", 29),
    row("P03", 112, "L1", "liver", "target", 45), row("P03", 112, "L2", "lung", "target", 40),
    # P04: 30 -> 40 (+33%, +10 mm) PD.  Best PD, first PD day 42.
    row("P04", 0, "L1", "liver", "target", 30), row("P04", 42, "L1", "liver", "target", 40),
    # P05: no scan before treatment (first at day 30): missing baseline, NE.
    # Taking day 30 as the baseline would make 20 -> 10 a PR of -50%.
    row("P05", 30, "L1", "liver", "target", 20), row("P05", 60, "L1", "liver", "target", 10),
    # P06: a node (short axis 20) and a liver lesion: 20 + 20 = 40 -> node
    # 8 mm (< 10: gone) and liver 0 -> CR.  Best CR, best change
    # (8 + 0 - 40) / 40 = -80%.
    row("P06", -4, "N1", "lymph node", "target", 30, 20, "yes"),
    row("P06", -4, "L2", "liver", "target", 20),
    row("P06", 56, "N1", "lymph node", "target", 12, 8, "yes"),
    row("P06", 56, "L2", "liver", "target", 0),
    # P07: lung only, 15 -> 15: SD.  Row 2 of its day 60 has no lesion
    # identifier and is excluded (data row 29).
    row("P07", -1, "L1", "lung", "target", 15), row("P07", 60, "L1", "lung", "target", 15),
    row("P07", 60, NA, "lung", "non-target", NA, nt = "absent"))
# Dates: treatment started on 2021-03-01 for everyone.
start <- as.Date("2021-03-01")
les$start_date <- format(start)
les$scan_date <- format(start + les$day)
write.csv(les, "tests/data/response_lesions.csv", row.names = FALSE, na = "")

# Best overall responses by hand (all organs; no confirmation).
best <- c(P01 = "PR", P02 = "CR", P03 = "SD", P04 = "PD", P05 = "NE", P06 = "CR",
          P07 = "SD")
# The same with --only-organ liver: P06 keeps its liver lesion only (CR);
# P03 keeps L1 40 -> 38 -> 45 (+18.4% from 38: SD); P07 has no liver
# lesion (NE).
best_liver <- c(P01 = "PR", P02 = "CR", P03 = "SD", P04 = "PD", P05 = "NE",
                P06 = "CR", P07 = "NE")
# With --confirm 28: P06's CR at day 56 has no later assessment (SD).
best_confirm <- c(P01 = "PR", P02 = "CR", P03 = "SD", P04 = "PD", P05 = "NE",
                  P06 = "SD", P07 = "SD")

# Best change from baseline, from the sums: min over follow-ups up to the
# first PD of 100 (sum - baseline) / baseline (measured value: the short
# axis for nodes).
les$v <- ifelse(les$is_node == "yes", les$short_axis_mm, les$diameter_mm)
tg <- les[les$type %in% c("target", "Target") & !is.na(les$lesion_id), ]
pct <- function(p, pd_day = Inf) {
    d <- tg[tg$patient_id == p, ]
    s <- tapply(d$v, d$day, sum)
    days <- as.numeric(names(s))
    base <- s[days <= 0]
    if (length(base) == 0) return(NA)
    fu <- s[days > 0 & days <= pd_day]
    min(100 * (fu - base) / base)
}
put("best_change", c(pct("P01"), pct("P02"), pct("P03", 112), pct("P04", 42), NA,
                     pct("P06"), pct("P07")))

rates <- function(key, b) {
    n <- length(b)
    for (r in c("CR", "PR", "SD", "PD", "NE")) {
        x <- sum(b == r)
        ci <- binom.test(x, n)$conf.int
        put(paste0(key, ".", r), c(x, n, x / n, ci))
    }
    x <- sum(b %in% c("CR", "PR")); ci <- binom.test(x, n)$conf.int
    put(paste0(key, ".ORR"), c(x, n, x / n, ci))
    x <- sum(b %in% c("CR", "PR", "SD")); ci <- binom.test(x, n)$conf.int
    put(paste0(key, ".DCR"), c(x, n, x / n, ci))
    ci <- suppressWarnings(prop.test(sum(b %in% c("CR", "PR")), n, correct = FALSE))$conf.int
    put(paste0(key, ".ORR_wilson"), ci)
}
rates("all", best)
rates("liver", best_liver)
rates("confirm", best_confirm)

# Error cases: an unknown lesion type on data row 3, a negative diameter on
# data row 4.
bad <- les[les$patient_id %in% c("P01", "P02"), c("patient_id", "day", "lesion_id",
                                                  "organ", "type", "diameter_mm")]
b1 <- bad; b1$type[3] <- "targett"
write.csv(b1, "tests/data/response_bad_type.csv", row.names = FALSE, na = "")
b2 <- bad; b2$diameter_mm[4] <- -12
write.csv(b2, "tests/data/response_bad_diameter.csv", row.names = FALSE, na = "")

writeLines(c("# written by tests/golden/cli/response_cli.R", lines),
           "tests/golden/cli/response_cli.txt")
