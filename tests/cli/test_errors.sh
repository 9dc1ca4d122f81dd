# test_errors.sh -- bad input gets a clear error naming file, row and column,
# with exit code 2; never a crash, never a silent guess.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
O=$ONCOSTAT

: > empty.csv
printf 'id,time,status\n' > header.csv
printf 'id,time,status\n1,5,1\n2,6\n' > ragged.csv
printf 'id,name\n1,"abc\n2,def\n' > quote.csv
printf 'id,name\n1,ab\377\376\n' > utf8.csv
printf 'id,age\n1,50\n2,abc\n' > nonnum.csv
printf 'id,d\n1,03/04/2020\n2,05/06/2020\n' > date.csv
printf 'id,d\n1,2020-02-30\n' > baddate.csv
printf 'id,time,status,arm\n1,5,1,A\n2,6,3,B\n3,7,0,A\n' > event.csv
printf 'id,time,vital,arm\n1,5,dead,A\n2,6,alive,B\n' > vital.csv

expect_exit 2 "$O" describe empty.csv
expect_err "empty.csv: empty file"
expect_exit 2 "$O" describe header.csv
expect_err "header.csv: line 1: no data rows"
expect_exit 2 "$O" describe ragged.csv
expect_err "ragged.csv: row 2 (line 3): expected 3 fields"
expect_exit 2 "$O" describe quote.csv
expect_err "quote.csv: row 1 (line 2), column 'name': unterminated quoted field"
expect_exit 2 "$O" describe utf8.csv
expect_err "utf8.csv: row 1 (line 2), column 'name': invalid UTF-8"
expect_exit 2 "$O" describe nonnum.csv --type age=number
expect_err "nonnum.csv: row 2 (line 3), column 'age': expected a number, found 'abc'"
expect_exit 2 "$O" describe date.csv
expect_err "date.csv: row 1 (line 2), column 'd': ambiguous date '03/04/2020'"
# With a format the same file reads, and the dates are the ones asked for.
expect_exit 0 "$O" describe date.csv --date-format %d/%m/%Y
expect_out "2020-04-03 to 2020-06-05"
expect_exit 2 "$O" describe baddate.csv --type d=date
expect_err "baddate.csv: row 1 (line 2), column 'd'"
expect_exit 2 "$O" describe missing-file.csv
expect_err "missing-file.csv"
expect_exit 2 "$O" describe notes.unknownext
expect_exit 2 "$O" describe event.csv --type age
expect_exit 2 "$O" nosuchcommand

# Formula errors point at the character.
expect_exit 2 "$O" km event.csv 'Surv(time, stat) ~ arm'
expect_err "unknown column 'stat' at character 12: did you mean 'status'?"
expect_exit 2 "$O" km event.csv 'Surv(time, status ~ arm'
expect_err "syntax error at character 19"
# An event column with a value that is not an event code.
expect_exit 2 "$O" km event.csv 'Surv(time, status) ~ arm'
expect_err "event.csv: row 2, column 'status': 'status' is not an event code: found 3"
# A comparison makes it one, and a misspelt level is an error, not an empty selection.
expect_exit 0 "$O" km event.csv 'Surv(time, status == 1) ~ arm'
expect_exit 2 "$O" km vital.csv 'Surv(time, vital == "Dead") ~ arm'
expect_err "'Dead' is not a level of 'vital'"
expect_exit 0 "$O" km vital.csv 'Surv(time, vital == "dead") ~ arm'

# Usage and version.
expect_exit 0 "$O" --version
expect_out "oncostat "
expect_exit 0 "$O" --help
expect_out "describe"
expect_exit 0 "$O" describe --help
expect_out "Usage: oncostat describe"
finish
