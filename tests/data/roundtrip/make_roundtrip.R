# make_roundtrip.R -- write one small study data set in every format that
# onc_statfile_read supports, plus the values R reads back, for
# tests/io/test_statfile.c.
#
# Run from the repository root:
#     Rscript tests/data/roundtrip/make_roundtrip.R
# Needs R haven (2.5.x), a C compiler and ReadStat (Debian libreadstat-dev):
# haven cannot write the SPSS portable format, so roundtrip.por is copied from
# an SPSS file by sav2por.c, built and run here.
#
# Outputs in tests/data/roundtrip/:
#   roundtrip.csv .sav .zsav .por .dta .xpt .sas7bdat   the same 8 patients
#   roundtrip.txt     expected values, golden format (see tests/harness.h)
#   edge.sav edge.dta edge.xpt   corner cases of the mapping (labels, missing
#                     codes, dates before 1960, Stata %tC)
#   edge.txt          expected values for the edge files
#
# What each format can carry differs, and the data are written so that every
# file still describes the same patients:
#   - "not assessed" ECOG is user-missing 9 in SPSS, tagged missing .a in Stata
#     and special missing .A in SAS; all of them read back as missing.
#   - SAS files keep value labels in a separate catalog, which these files do
#     not have, so `arm` is a plain number there.
#   - The SPSS portable format only holds upper-case names and ASCII text, so
#     roundtrip.por has upper-case names and no `site` column.
#   - CSV has no labels and no date-times: `arm` is written as its label text
#     and `rand_dt` as its calendar day (UTC).
suppressPackageStartupMessages(library(haven))

out <- "tests/data/roundtrip"
stopifnot(dir.exists(out))

arm_labels <- c("Imatinib" = 1, "Imatinib + resection" = 2,
                "Imatinib + RFA/TACE" = 3)
not_assessed <- 6L      # row whose ECOG is "not assessed" (a coded missing)

base <- data.frame(id = 1:8)
base$arm <- c(1, 2, 3, 1, 2, 3, 2, 1)
base$age <- c(54.3, 61.7, 47.25, 70.05, 58.9, 66.4, 39.8, 72.6)
base$sex <- c("F", "M", "M", "F", "M", "F", "F", "M")
base$ecog <- c(0, 1, NA, 2, 0, NA, 1, 0)
base$start <- as.Date(c("2014-03-12", "2015-07-01", "2016-01-20", "2013-11-05",
                        "2017-02-28", "2018-06-15", "2016-09-09", "2019-12-31"))
base$death <- as.Date(c("2016-08-30", NA, "2017-05-02", "2014-06-30",
                        NA, NA, "2020-02-29", NA))
base$status <- as.integer(!is.na(base$death))
# "" is a blank entry: Stata and SAS define the blank string as missing.
base$site <- c("肝转移", "métastase hépatique", "liver", "肝转移",
                    "Lebermetastase", "", "肝臓転移", "liver")
base$birth <- as.Date(c("1959-12-31", "1953-10-20", "1968-09-30", "1943-06-12",
                        "1958-03-03", "1952-01-01", "1976-04-04", "1947-02-14"))
base$rand_dt <- as.POSIXct(c("2014-03-10 09:30:00", "2015-06-29 23:59:59",
                                "2016-01-18 00:00:00", "2013-11-01 14:15:16",
                                "2017-02-27 12:00:00", "2018-06-14 08:00:00",
                                "2016-09-08 17:45:00", NA), tz = "UTC")

var_labels <- c(id = "Patient number", arm = "Treatment arm",
                age = "Age at diagnosis (years)", sex = "Sex",
                ecog = "ECOG performance status",
                start = "Start of treatment", death = "Date of death",
                status = "Died (1 = yes)",
                site = "Metastatic site as recorded",
                birth = "Date of birth", rand_dt = "Randomisation time")

with_labels <- function(d) {
    for (v in names(d)) attr(d[[v]], "label") <- var_labels[[v]]
    d
}

# --- SPSS (.sav, .zsav) ------------------------------------------------------
spss <- base
spss$arm <- labelled(base$arm, arm_labels)
ecog <- base$ecog
ecog[not_assessed] <- 9
spss$ecog <- labelled_spss(ecog, na_values = 9)
spss$id <- base$id
spss$status <- base$status
attr(spss$death, "format.spss") <- "ADATE10"
attr(spss$birth, "format.spss") <- "EDATE10"
attr(spss$ecog, "format.spss") <- "F8.0"
spss <- with_labels(spss)
write_sav(spss, file.path(out, "roundtrip.sav"))
write_sav(spss, file.path(out, "roundtrip.zsav"), compress = "zsav")

# --- SPSS portable (.por), through sav2por.c (ReadStat's writer) -------------
por <- spss
por$site <- NULL
names(por) <- toupper(names(por))
tmp <- tempfile(fileext = ".sav")
write_sav(por, tmp)
tool <- tempfile()
stopifnot(system2("cc", c("-o", tool, file.path(out, "sav2por.c"), "-lreadstat")) == 0)
por_path <- file.path(out, "roundtrip.por")
stopifnot(system2(tool, c(tmp, por_path)) == 0)
unlink(c(tmp, tool))

# --- Stata (.dta) ------------------------------------------------------------
stata <- base
stata$arm <- labelled(base$arm, arm_labels)
stata$ecog[not_assessed] <- tagged_na("a")
attr(stata$ecog, "format.stata") <- "%8.0f"
attr(stata$death, "format.stata") <- "%tdCCYY-NN-DD"
stata <- with_labels(stata)
write_dta(stata, file.path(out, "roundtrip.dta"))

# --- SAS (.xpt, .sas7bdat) ---------------------------------------------------
sas <- base
sas$ecog[not_assessed] <- tagged_na("A")
attr(sas$id, "format.sas") <- "F8."
attr(sas$arm, "format.sas") <- "8."
attr(sas$ecog, "format.sas") <- "F8."
attr(sas$status, "format.sas") <- "1."
attr(sas$age, "format.sas") <- "8.2"
attr(sas$start, "format.sas") <- "DATE9."
attr(sas$death, "format.sas") <- "YYMMDD10."
attr(sas$birth, "format.sas") <- "MMDDYY10."
attr(sas$rand_dt, "format.sas") <- "DATETIME20."
sas <- with_labels(sas)
write_xpt(sas, file.path(out, "roundtrip.xpt"), version = 8)
# write_sas() is deprecated in haven but is the only R writer of sas7bdat.
suppressWarnings(write_sas(sas, file.path(out, "roundtrip.sas7bdat")))

# --- CSV -----------------------------------------------------------------------
csv <- base
csv$arm <- names(arm_labels)[match(base$arm, arm_labels)]
csv$rand_dt <- as.Date(base$rand_dt)
csv$site[csv$site == ""] <- NA
write.csv(csv, file.path(out, "roundtrip.csv"), row.names = FALSE,
          na = "", fileEncoding = "UTF-8")

# --- Expected values ---------------------------------------------------------
# Checked against what haven reads back, then written in golden format.
# Strings are written as their UTF-8 bytes; factor codes are 0-based.
back <- read_sav(file.path(out, "roundtrip.sav"))
stopifnot(identical(as.numeric(back$age), base$age),
          identical(as.integer(back$id), base$id),
          identical(as.numeric(back$start), as.numeric(base$start)),
          identical(is.na(back$ecog), is.na(base$ecog)),
          identical(as.character(as_factor(back$arm)),
                    names(arm_labels)[match(base$arm, arm_labels)]))
back <- read_dta(file.path(out, "roundtrip.dta"))
stopifnot(identical(as.numeric(back$death), as.numeric(base$death)),
          identical(as.numeric(back$rand_dt), as.numeric(base$rand_dt)),
          identical(is.na(back$ecog), is.na(base$ecog)))
back <- read_xpt(file.path(out, "roundtrip.xpt"))
stopifnot(nrow(back) == 8, identical(as.numeric(back$birth), as.numeric(base$birth)))

lines <- character()
num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", as.numeric(x)))
put <- function(key, x) lines <<- c(lines, paste(key, paste(num(x), collapse = " ")))
put_text <- function(key, s) put(key, as.integer(charToRaw(enc2utf8(s))))

put("nrow", nrow(base))
for (v in c("id", "age", "ecog", "status")) put(v, base[[v]])
for (v in c("start", "death", "birth")) put(v, as.numeric(base[[v]]))
# Date-times become the calendar day (UTC) they fall on.
put("rand_dt", floor(as.numeric(base$rand_dt) / 86400))
put("arm", base$arm)
lev <- sort(unique(base$sex), method = "radix")
put("sex_code", match(base$sex, lev) - 1)
put("sex_nlevels", length(lev))
for (k in seq_along(lev)) put_text(sprintf("sex_level%d", k - 1), lev[k])
put("arm_code", match(base$arm, arm_labels) - 1)
put("arm_nlevels", length(arm_labels))
put("arm_level_values", unname(arm_labels))
for (k in seq_along(arm_labels)) put_text(sprintf("arm_level%d", k - 1), names(arm_labels)[k])
site <- base$site
site[site == ""] <- NA
lev <- sort(unique(site[!is.na(site)]), method = "radix")
put("site_code", match(site, lev) - 1)
put("site_nlevels", length(lev))
for (k in seq_along(lev)) put_text(sprintf("site_level%d", k - 1), lev[k])
for (v in names(var_labels)) put_text(paste0("label_", v), var_labels[[v]])
writeLines(c("# written by tests/data/roundtrip/make_roundtrip.R", lines),
           file.path(out, "roundtrip.txt"), useBytes = TRUE)

# --- Edge cases --------------------------------------------------------------
# One file per family; expected values below are what the mapping in
# src/io/statfile.c must give.  Labelled numbers follow haven::as_factor
# (levels sorted by value, unlabelled values become their own level written
# as the number), except that a label attached to a user-defined or tagged
# missing code is not a level: those rows are missing.
lines <- character()
# `labels` are the labels of non-missing codes; `missing` flags the rows
# holding a user-defined or tagged missing code.  Values sharing a label
# share one level, valued by the smallest of them.
labelled_codes <- function(key, x, labels, missing) {
    ok <- !is.na(x) & !missing
    vals <- sort(unique(c(unname(labels), x[ok])))
    text <- ifelse(vals %in% labels, names(labels)[match(vals, labels)],
                   as.character(vals))
    lev <- unique(text)
    put(paste0(key, "_code"), ifelse(ok, match(text[match(x, vals)], lev) - 1, NA))
    put(paste0(key, "_nlevels"), length(lev))
    put(paste0(key, "_level_values"), vals[match(lev, text)])
    for (k in seq_along(lev)) put_text(sprintf("%s_level%d", key, k - 1), lev[k])
}
string_codes <- function(key, x, labels = NULL) {
    x[x == ""] <- NA
    keys <- sort(unique(c(unname(labels), x[!is.na(x)])), method = "radix")
    text <- ifelse(keys %in% labels, names(labels)[match(keys, labels)], keys)
    put(paste0(key, "_code"), match(x, keys) - 1)
    put(paste0(key, "_nlevels"), length(keys))
    for (k in seq_along(keys)) put_text(sprintf("%s_level%d", key, k - 1), text[k])
}
day_of <- function(t) floor(as.numeric(t) / 86400)

# SPSS: missing range 90 THRU HIGHEST plus the value -1; a labelled missing
# code (99); an unobserved label (3); unlabelled values (2.5, 4); a labelled
# string; blank strings; dates and date-times around the SPSS origin
# (1582-10-14) and 1970; a duration (TIME), which stays a number; F8.0 over a
# non-whole value, which stays a number; two codes with the same label.
grade <- c(1, 2, 4, 99, 2.5, NA, -1, 95)
grade_labels <- c(G1 = 1, G2 = 2, G3 = 3, "Not assessed" = 99)
sex <- c("M", "F", "X", "", "M", "F", "M", "F")
sex_labels <- c(Male = "M", Female = "F")
txt <- c("b  ", "a", "  c", "", "b", "a", "a", "b")
dt <- as.Date(c("1582-10-14", "1500-03-01", "1970-01-01", "1969-12-31",
                "2000-02-29", "1960-01-01", "1959-12-31", NA))
dtm <- as.POSIXct(c("1582-10-13 12:00:00", "1582-10-14 00:00:01",
                    "1969-12-31 23:59:59", "1970-01-01 00:00:00",
                    "2000-02-29 23:59:59", NA, "1900-01-01 00:00:00",
                    "2038-01-19 03:14:08"), tz = "UTC")
dur <- c(3600, 60, 0, 1, 2, 3, 4, 86400)
half <- c(1, 2.5, 3, 4, 5, 6, 7, 8)
e <- data.frame(row = 1:8)
e$grade <- labelled_spss(grade, grade_labels, na_values = -1, na_range = c(90, Inf))
e$sex <- labelled(sex, sex_labels)
e$txt <- txt
e$dt <- dt
e$dtm <- dtm
e$dur <- hms::hms(dur)
e$half <- half
attr(e$half, "format.spss") <- "F8.0"
resp <- c(0, 1, 2, 1, NA, 2, 0, 0)
resp_labels <- c(No = 0, Yes = 1, Yes = 2)
e$resp <- labelled(resp, resp_labels)
write_sav(e, file.path(out, "edge.sav"))
labelled_codes("sav_grade", grade, grade_labels[grade_labels != 99],
               !is.na(grade) & (grade == -1 | grade >= 90))
string_codes("sav_sex", sex, sex_labels)
string_codes("sav_txt", sub(" +$", "", txt))
put("sav_dt", as.numeric(dt))
put("sav_dtm", day_of(dtm))
put("sav_dur", dur)
put("sav_half", half)
labelled_codes("sav_resp", resp, resp_labels, rep(FALSE, length(resp)))

# Stata: tagged missing .a (labelled) and .z; %tc before 1960; %tC with leap
# seconds (values given in milliseconds; expected days are worked out by hand
# in tests/io/test_statfile.c); %tm stays a number; long strings stored as strL.
grade <- c(1, 2, 4, NA, 2.5, NA, NA, 3)
tags <- c(NA, NA, NA, "a", NA, NA, "z", NA)
g <- grade
g[which(tags == "a")] <- tagged_na("a")
g[which(tags == "z")] <- tagged_na("z")
e <- data.frame(row = 1:8)
e$grade <- labelled(g, c(G1 = 1, G2 = 2, G3 = 3, "Not assessed" = tagged_na("a")))
dtc <- as.POSIXct(c("1955-06-01 01:00:00", "1959-12-31 23:59:59",
                    "1960-01-01 00:00:00", "1969-12-31 18:00:00",
                    "1970-01-01 00:00:00", "2016-12-31 23:59:59", NA,
                    "2024-02-29 12:00:00"), tz = "UTC")
e$dtc <- dtc
e$dtC <- c((20820 * 86400 + 25) * 1000, (20820 * 86400 + 26) * 1000 + 500,
           (20820 * 86400 + 27) * 1000, 0, -1000, 4565 * 86400 * 1000,
           (4565 * 86400 + 1) * 1000, NA)
attr(e$dtC, "format.stata") <- "%tC"
e$month <- c(600, 601, 0, -1, 700, 720, NA, 1)
attr(e$month, "format.stata") <- "%tm"
long <- strrep("metastasis ", 5)
e$note <- c(long, "short", "", paste0(long, "肝"), "short", long, "x", "")
write_dta(e, file.path(out, "edge.dta"), strl_threshold = 20)
labelled_codes("dta_grade", grade, c(G1 = 1, G2 = 2, G3 = 3),
               is.na(grade) & !is.na(tags))
put("dta_dtc", day_of(dtc))
put("dta_month", e$month)
string_codes("dta_note", e$note)

# SAS: special missing .Z; date formats with and without a width; datetime
# formats, including DTDATE (a date-time shown as a date), before 1960 too;
# TIME stays a number; BEST over whole numbers stays a number; Z5. is an
# integer format.
e <- data.frame(row = 1:6)
e$score <- c(1, tagged_na("Z"), 3, NA, 5, 6)
attr(e$score, "format.sas") <- "Z5."
e$best <- c(1, 2, 3, 4, 5, 6)
attr(e$best, "format.sas") <- "BEST12."
e$d1 <- as.Date(c("1955-06-01", "1960-01-01", "1959-12-31", "1970-01-01", NA, "2024-02-29"))
e$d2 <- e$d1
attr(e$d2, "format.sas") <- "E8601DA10."
dts <- as.POSIXct(c("1959-12-31 23:59:59", "1969-12-31 23:59:59",
                    "1970-01-01 00:00:01", "2000-02-29 23:59:59", NA,
                    "2024-02-29 12:00:00"), tz = "UTC")
e$t1 <- dts
attr(e$t1, "format.sas") <- "E8601DT19."
e$t2 <- dts
attr(e$t2, "format.sas") <- "DTDATE9."
e$clock <- hms::hms(c(0, 1, 60, 3600, NA, 86399))
attr(e$clock, "format.sas") <- "TIME8."
write_xpt(e, file.path(out, "edge.xpt"), version = 8)
put("xpt_score", c(1, NA, 3, NA, 5, 6))
put("xpt_best", e$best)
put("xpt_d1", as.numeric(e$d1))
put("xpt_d2", as.numeric(e$d1))
put("xpt_t1", day_of(dts))
put("xpt_t2", day_of(dts))
put("xpt_clock", c(0, 1, 60, 3600, NA, 86399))
writeLines(c("# written by tests/data/roundtrip/make_roundtrip.R", lines),
           file.path(out, "edge.txt"), useBytes = TRUE)
