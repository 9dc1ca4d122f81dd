# expr_eval.R -- reference values for the expressions of tests/data/test_expr.c.
# Run from the repository root: Rscript tests/golden/data/expr_eval.R
# Writes tests/golden/data/expr_eval.txt: "data_<column> ..." (the test's data)
# and "eN v1 ... v10": the value of expression N for each row (NA = missing,
# logical as 0/1), computed by R with the R spelling given beside it.
#
# Two documented departures from R are written out explicitly here:
#   in / %in% with a missing left side is NA (R's %in% says FALSE): na_in();
#   a non-finite arithmetic result (x / 0, log(0)) is missing: fin().
na_in <- function(x, set) ifelse(is.na(x), NA, x %in% set)
fin <- function(x) ifelse(is.finite(x), x, NA)

age   <- c(45, 61, NA, 72, 18, 55, 80, 17, 66, 59)
ecog  <- c(0L, 1L, 2L, NA, 0L, 3L, 1L, 0L, 2L, 1L)
vital <- factor(c("alive", "dead", NA, "dead", "alive", "alive", "dead", "alive", NA, "dead"))
arm   <- factor(c("TACE", "Control", "TACE", "RFA", "Control", "TACE", "RFA", "Control",
                  "TACE", "RFA"))
arm2  <- factor(c("Control", "Control", "RFA", "RFA", "TACE", "TACE", "Control", "Control",
                  "TACE", NA))
# A labelled variable: values 1, 2, 3 labelled G1, G2, G3.
grade_num <- c(1, 2, 3, NA, 2, 1, 3, 2, NA, 1)
grade_lab <- c("G1", "G2", "G3")[grade_num]
ecog_f <- factor(c("0", "1", "unknown", "2", NA, "1", "0", "2", "unknown", "1"))
surg  <- as.Date(c("2015-03-01", "2015-06-01", "2016-01-15", NA, "2014-12-31", "2015-06-02",
                   "2017-07-07", "2015-05-31", "2016-01-01", "2013-02-28"))
resp  <- c(TRUE, FALSE, TRUE, NA, FALSE, TRUE, TRUE, NA, FALSE, TRUE)
score <- c(3, 0, 2.5, 4, NA, 1, 0, 6, 2, 5)
n <- length(age)

out <- file("tests/golden/data/expr_eval.txt", "w")
cat("# written by tests/golden/data/expr_eval.R (R ", R.version$major, ".", R.version$minor,
    ")\n", sep = "", file = out)
put <- function(key, v) {
  v <- as.numeric(v)
  cat(key, ifelse(is.na(v), "NA", sprintf("%.17g", v)), "\n", file = out)
}
put("data_age", age); put("data_ecog", ecog); put("data_grade", grade_num)
put("data_surg", as.numeric(surg)); put("data_resp", resp); put("data_score", score)

put("e1", age >= 18)
put("e2", age >= 60 & na_in(ecog, c(0, 1)))
put("e3", vital == "dead")
put("e4", vital != "alive" | resp)
put("e5", !resp)
put("e6", is.na(age) | is.na(vital))
put("e7", surg >= as.Date("2015-06-01"))
put("e8", (surg - 30) < as.Date("2015-05-03"))
put("e9", fin(score / (ecog - 1)))
put("e10", -age * 2 + 1)
put("e11", grade_num >= 2)
put("e12", na_in(arm, "TACE") & !(age < 50))
put("e13", (age > 70 | ecog >= 2) & vital == "dead")
put("e14", resp & age > 60)
put("e15", vital == "dead")                      # the column `vital status`
put("e16", fin(log(score)))
put("e17", fin(exp(-age / 100) + sqrt(score) - abs(score - 3)))
put("e18", suppressWarnings(as.numeric(as.character(ecog_f))) >= 2)
put("e19", as.character(arm) == as.character(arm2))
put("e20", TRUE & resp)
put("e21", FALSE | resp)
put("e22", rep("a" == "a", n))
put("e23", na_in(age, c(45, 60.5, 80)))
put("e24", na_in(as.numeric(surg), as.numeric(as.Date(c("2015-06-01", "2016-01-01")))))
put("e25", na_in(as.character(ecog_f), c("1", "unknown")))
put("e26", grade_num == 3 | na_in(grade_lab, "G1"))
put("e27", arm != "TACE" & !is.na(arm2))
put("e28", fin(-(-age) - -3 * 2 / (score + 1)))
put("e29", (ecog * 1.5 > age / 30) == TRUE)
put("e30", !(resp | vital == "dead"))
put("e31", as.character(vital) == as.character(arm))
put("e32", grade_num)
put("e33", suppressWarnings(as.numeric(as.character(ecog_f))) + 0)
put("e34", as.numeric(surg - surg))
put("e35", na_in(ecog + 1, c(1, 2)) | score > 4)
put("e36", vital == "dead" & resp | age < 18)
close(out)
