# ae_cli.R -- data and reference numbers for tests/cli/test_ae.sh.
# Run from the repository root:  Rscript tests/golden/cli/ae_cli.R
# Writes tests/data/ae_events.csv, tests/data/ae_patients.csv, the error
# cases tests/data/ae_bad_grade.csv and tests/data/ae_unknown_patient.csv,
# and tests/golden/cli/ae_cli.txt: for each term (spaces as '_', "Any" for
# any adverse event) and arm (TACE, Control, All) the patients at worst
# grade 1..5, any grade, % any, grade >= 3, % grade >= 3 -- computed here
# by base R aggregation, independently of the C code.
lines <- character(0)
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA", sprintf("%.17g", x))
    lines <<- c(lines, paste(c(key, s), collapse = " "))
}

pts <- data.frame(patient_id = sprintf("P%02d", 1:19),
                  arm = c(rep("TACE", 10), rep("Control", 8), NA))
write.csv(pts, "tests/data/ae_patients.csv", row.names = FALSE, na = "")

ev <- data.frame(
    patient_id = c("P01", "P01", "P02", "P03", "P03", "P04", "P05", "P06", "P07",
                   "P08", "P11", "P11", "P12", "P13", "P14", "P15", "P02", "P09",
                   "P16", "P19", "P10"),
    term = c("Nausea", "Nausea", "Nausea", "Fatigue", "Nausea", "Abdominal pain",
             "Fatigue", "Nausea", "Abdominal pain", "Liver failure", "Nausea",
             "Fatigue", "Fatigue", "Nausea", "Abdominal pain", "Fatigue",
             "Fatigue", "Nausea", "Liver failure", "Nausea", "Fatigue"),
    soc = c("Gastrointestinal disorders", "Gastrointestinal disorders",
            "Gastrointestinal disorders", "General disorders",
            "Gastrointestinal disorders", "Gastrointestinal disorders",
            "General disorders", "Gastrointestinal disorders",
            "Gastrointestinal disorders", "Hepatobiliary disorders",
            "Gastrointestinal disorders", "General disorders", "General disorders",
            "Gastrointestinal disorders", "Gastrointestinal disorders",
            "General disorders", "General disorders", "Gastrointestinal disorders",
            "Hepatobiliary disorders", "Gastrointestinal disorders",
            "General disorders"),
    # P01 has nausea twice (1 then 3: worst 3); row 21 (P10) has no grade.
    grade = c(1, 3, 2, 1, 2, 3, 2, 1, 4, 5, 1, 2, 3, 2, 1, 1, 1, 2, 5, 2, NA),
    day = c(5, 20, 8, 14, 30, 45, 7, 12, 60, 88, 9, 15, 21, 33, 40, 6, 50, 11,
            120, 3, 18))
write.csv(ev, "tests/data/ae_events.csv", row.names = FALSE, na = "")

bad <- ev[1:4, ]; bad$grade[3] <- 6
write.csv(bad, "tests/data/ae_bad_grade.csv", row.names = FALSE, na = "")
bad <- ev[1:4, ]; bad$patient_id[4] <- "P99"
write.csv(bad, "tests/data/ae_unknown_patient.csv", row.names = FALSE, na = "")

# The analysis set: patients with an arm; events of those patients with a
# grade.
p <- pts[!is.na(pts$arm), ]
e <- ev[!is.na(ev$grade) & ev$patient_id %in% p$patient_id, ]
e$arm <- p$arm[match(e$patient_id, p$patient_id)]
count <- function(rows, arm) {
    n <- if (arm == "All") nrow(p) else sum(p$arm == arm)
    if (arm != "All") rows <- rows[rows$arm == arm, ]
    worst <- if (nrow(rows) > 0) tapply(rows$grade, rows$patient_id, max) else numeric(0)
    g <- sapply(1:5, function(k) sum(worst == k))
    c(g, sum(g), 100 * sum(g) / n, sum(g[3:5]), 100 * sum(g[3:5]) / n)
}
put("n", c(sum(p$arm == "TACE"), sum(p$arm == "Control"), nrow(p)))
for (arm in c("TACE", "Control", "All")) {
    put(paste0("Any.", arm), count(e, arm))
    for (t in unique(e$term))
        put(paste0(gsub(" ", "_", t), ".", arm), count(e[e$term == t, ], arm))
}
writeLines(c("# written by tests/golden/cli/ae_cli.R", lines), "tests/golden/cli/ae_cli.txt")
