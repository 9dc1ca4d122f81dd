# endpoints_cli.R -- data and reference values for tests/cli/test_endpoints.sh.
# Run from the repository root:  Rscript tests/golden/cli/endpoints_cli.R
# Writes tests/data/endpoints.csv, tests/data/endpoints_bad_date.csv and
# tests/golden/cli/endpoints_cli.txt (one "key v1 v2 ..." line per entry,
# one value per data row, NA for an excluded row).
#
# The reference is an independent derivation in base R of the rules in
# docs/endpoints.md (ADaM ADTTE), with dates as R Date objects and
# time = as.numeric(date - origin) / days per unit.  Each row is built to
# hit one rule; the comment beside it gives the hand calculation.
lines <- character(0)
put <- function(key, x) {
    x <- as.numeric(x)
    s <- ifelse(is.na(x), "NA", sprintf("%.17g", x))
    lines <<- c(lines, paste(c(key, s), collapse = " "))
}

D <- function(x) as.Date(x)
d <- data.frame(
    id = 1:10,
    arm = c("Imatinib", "Imatinib + resection", "Imatinib", "Imatinib + RFA/TACE",
            "Imatinib", "Imatinib + resection", "Imatinib", "Imatinib",
            "Imatinib + RFA/TACE", "Imatinib + resection"),
    liver_mets_date = D(c("2020-01-01", "2019-06-15", NA, "2021-03-01", "2020-05-10",
                          "2022-02-01", "2023-01-15", "2020-01-01", "2020-03-01",
                          "2018-01-01")),
    pd_date = D(c("2020-07-01", NA, "2021-01-01", "2021-09-01", "2020-04-01",
                  "2023-02-01", NA, NA, "2020-06-01", "2019-01-01")),
    death_date = D(c("2021-01-01", NA, NA, "2021-08-01", NA, NA, NA, NA, NA,
                     "2019-01-01")),
    last_fu_date = D(c("2021-01-01", "2022-06-15", "2021-06-01", "2021-08-01",
                       "2022-01-01", "2023-03-01", "2023-06-01", NA, "2020-02-01",
                       "2019-01-01")),
    age = c(61.5, 47, 58, 72.25, 38, 55, 66.6, 49, 70, 63),
    note = c("R0, margin 2 mm", "", "", "dose reduced, \"GI toxicity\"", "", "", "",
             "", "", ""),
    stringsAsFactors = FALSE)
# Row by row (cut-off 2022-12-31):
#  1 PFS progression 2020-07-01: 182 days (31+29+31+30+31+30, 2020 is leap);
#    OS death 2021-01-01: 366 days
#  2 no event: censored at follow-up 2022-06-15: 1096 days (3 years + 29 Feb 2020)
#  3 no origin: excluded from both
#  4 PFS: progression 2021-09-01 after death 2021-08-01: excluded;
#    OS death 2021-08-01: 153 days (31+30+31+30+31)
#  5 PFS: progression 2020-04-01 before the origin 2020-05-10: excluded;
#    OS censored at follow-up 2022-01-01: 601 days
#  6 progression 2023-02-01 and follow-up 2023-03-01 after the cut-off:
#    both censored at the cut-off, 333 days, with a note
#  7 origin 2023-01-15 after the cut-off: excluded from both
#  8 no event, no follow-up date: excluded from both
#  9 PFS progression 2020-06-01: 92 days, note (follow-up before origin);
#    OS: no death, follow-up 2020-02-01 before origin: excluded
# 10 progression and death on 2019-01-01: PFS takes the first listed
#    (Progression), 365 days; OS death, 365 days
write.csv(d, "tests/data/endpoints.csv", row.names = FALSE, na = "")

# A file whose date column holds an impossible date (row 3).
bad <- data.frame(id = 1:3,
                  start = c("2020-01-01", "2020-02-01", "2021-02-30"),
                  death = c("2021-01-01", "", ""),
                  last_fu = c("2021-01-01", "2021-03-01", "2022-01-01"))
write.csv(bad, "tests/data/endpoints_bad_date.csv", row.names = FALSE, quote = FALSE)

cutoff <- D("2022-12-31")

# One endpoint by the rules of docs/endpoints.md.
derive <- function(origin, events, labels, censor, death, cutoff, unit_days) {
    n <- length(origin)
    time <- rep(NA_real_, n); event <- rep(NA_real_, n); desc <- rep(NA_character_, n)
    for (i in seq_len(n)) {
        o <- origin[i]
        if (is.na(o)) next                                       # rule 1
        ev <- sapply(events, function(e) as.numeric(e[i]))
        dd <- as.numeric(death[i])
        if (!is.na(dd) && any(!is.na(ev) & ev > dd)) next        # rule 2
        e <- NA; lab <- NA
        for (k in seq_along(ev))                                 # rule 3, ties: first
            if (!is.na(ev[k]) && (is.na(e) || ev[k] < e)) { e <- ev[k]; lab <- labels[k] }
        if (!is.na(e) && e < as.numeric(o)) next
        if (as.numeric(o) > as.numeric(cutoff)) next             # rule 4
        if (!is.na(e) && e <= as.numeric(cutoff)) {              # rule 5
            time[i] <- (e - as.numeric(o)) / unit_days; event[i] <- 1; desc[i] <- lab
            next
        }
        if (!is.na(e)) {                                         # rule 6
            time[i] <- (as.numeric(cutoff) - as.numeric(o)) / unit_days; event[i] <- 0
            desc[i] <- "Censored at data cut-off"
            next
        }
        cc <- as.numeric(censor[i])                              # rule 7
        if (is.na(cc) || cc < as.numeric(o)) next
        if (cc > as.numeric(cutoff)) {
            time[i] <- (as.numeric(cutoff) - as.numeric(o)) / unit_days
            desc[i] <- "Censored at data cut-off"
        } else {
            time[i] <- (cc - as.numeric(o)) / unit_days
            desc[i] <- "Censored at last follow-up"
        }
        event[i] <- 0
    }
    list(time = time, event = event, desc = desc)
}

pfs <- derive(d$liver_mets_date, list(d$pd_date, d$death_date), c("Progression", "Death"),
              d$last_fu_date, d$death_date, cutoff, 1)
os <- derive(d$liver_mets_date, list(d$death_date), c("Death"),
             d$last_fu_date, d$death_date, cutoff, 1)
pfs_m <- derive(d$liver_mets_date, list(d$pd_date, d$death_date), c("Progression", "Death"),
                d$last_fu_date, d$death_date, cutoff, 365.25 / 12)
os_y <- derive(d$liver_mets_date, list(d$death_date), c("Death"),
               d$last_fu_date, d$death_date, cutoff, 365.25)
# Without a cut-off, row 6 becomes a progression (366 days, 2022-02-01 to
# 2023-02-01) and row 7 is censored at follow-up (137 days).
pfs_nocut <- derive(d$liver_mets_date, list(d$pd_date, d$death_date),
                    c("Progression", "Death"), d$last_fu_date, d$death_date,
                    as.Date("9999-12-31"), 1)

put("pfs_time_days", pfs$time)
put("pfs_event", pfs$event)
put("os_time_days", os$time)
put("os_event", os$event)
put("pfs_time_months", pfs_m$time)
put("os_time_years", os_y$time)
put("pfs_time_nocutoff", pfs_nocut$time)
put("pfs_event_nocutoff", pfs_nocut$event)
tab <- function(x) c(sum(x == "Progression", na.rm = TRUE), sum(x == "Death", na.rm = TRUE),
                     sum(x == "Censored at last follow-up", na.rm = TRUE),
                     sum(x == "Censored at data cut-off", na.rm = TRUE), sum(is.na(x)))
put("pfs_outcomes", tab(pfs$desc))   # Progression, Death, last follow-up, cut-off, excluded
put("os_outcomes", tab(os$desc)[-1])
writeLines(c("# endpoints_cli.R: reference values for tests/cli/test_endpoints.sh",
             "# one value per row of tests/data/endpoints.csv; NA = excluded", lines),
           "tests/golden/cli/endpoints_cli.txt")
