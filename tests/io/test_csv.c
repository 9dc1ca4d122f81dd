/*
** test_csv.c -- the CSV/TSV reader.
**
** References:
**  - the table below: inputs with their values written out by hand (each
**    expected value is the literal in the input) and every error with the
**    row, line and column it must name;
**  - R 4.2 read.csv() on tests/data/csv/patients.csv
**    (tests/golden/io/csv_patients.R writes tests/golden/io/csv_patients.txt);
**  - strtod, for the exactness of number conversion;
**  - onc_csv_read_buffer itself, for onc_csv_read on files read in pieces
**    as small as one byte (the same input must give the same frame or the
**    same error).
*/
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "oncostat/date.h"
#include "oncostat/io.h"

#define MISSING "<NA>"

typedef struct col_expect {
    const char *name;
    onc_coltype type;
    const char *values;   /* '|'-separated; MISSING; dates as YYYY-MM-DD; level text */
    const char *levels;   /* factor: '|'-separated levels in order */
} col_expect;

typedef struct csv_case {
    const char *what;
    const char *input;
    size_t len;                          /* 0 = strlen(input) */
    char sep, decimal;
    const char *date_format;
    const char *const *na;
    size_t n_na;
    const onc_type_override *overrides;
    size_t n_overrides;
    size_t max_rows, max_cols, max_cell;
    onc_status status;
    size_t n_rows;                       /* success: rows and columns */
    col_expect cols[8];
    size_t err_row, err_line;            /* failure: where */
    const char *err_column;              /* "" = none */
    const char *err_text;                /* substring of the message */
} csv_case;

static const char *const na_custom[] = {"-99", "missing"};
static const char *const na_only_na[] = {"NA"};
static const onc_type_override ov_many[] = {
    {"code", ONC_COL_FACTOR}, {"ev", ONC_COL_LOGICAL}, {"grp", ONC_COL_FACTOR},
    {"id", ONC_COL_NUMBER}, {"when", ONC_COL_DATE}, {"dose", ONC_COL_INTEGER},
};
static const onc_type_override ov_age_number[] = {{"age", ONC_COL_NUMBER}};
static const onc_type_override ov_age_integer[] = {{"age", ONC_COL_INTEGER}};
static const onc_type_override ov_flag_logical[] = {{"flag", ONC_COL_LOGICAL}};
static const onc_type_override ov_d_date[] = {{"d", ONC_COL_DATE}};
static const onc_type_override ov_d_factor[] = {{"d", ONC_COL_FACTOR}};
static const onc_type_override ov_unknown[] = {{"nope", ONC_COL_NUMBER}};
static const onc_type_override ov_twice[] = {{"a", ONC_COL_NUMBER}, {"a", ONC_COL_FACTOR}};

static const csv_case cases[] = {
    /* ---- structure ---- */
    {.what = "basic types", .input = "id,arm,age,start,event,flag\n"
                                     "1,A,61.5,2020-01-03,1,T\n2,B,NA,2019-12-31,0,F\n",
     .n_rows = 2, .cols = {{"id", ONC_COL_INTEGER, "1|2", NULL},
                           {"arm", ONC_COL_FACTOR, "A|B", "A|B"},
                           {"age", ONC_COL_NUMBER, "61.5|" MISSING, NULL},
                           {"start", ONC_COL_DATE, "2020-01-03|2019-12-31", NULL},
                           {"event", ONC_COL_INTEGER, "1|0", NULL},
                           {"flag", ONC_COL_LOGICAL, "1|0", NULL}}},
    {.what = "quoting", .input = "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"\",plain\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_FACTOR, "x, y|" MISSING, "x, y"},
                           {"b", ONC_COL_FACTOR, "say \"hi\"|plain", "plain|say \"hi\""}}},
    {.what = "embedded newline", .input = "id,note\n1,\"line one\nline two\"\n2,x\n",
     .n_rows = 2, .cols = {{"id", ONC_COL_INTEGER, "1|2", NULL},
                           {"note", ONC_COL_FACTOR, "line one\nline two|x",
                            "line one\nline two|x"}}},
    {.what = "CRLF", .input = "a,b\r\n1,x\r\n2,\"y\"\r\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, "1|2", NULL},
                           {"b", ONC_COL_FACTOR, "x|y", "x|y"}}},
    {.what = "CRLF inside quotes is data", .input = "a,b\r\n\"x\r\ny\",1\r\n",
     .n_rows = 1, .cols = {{"a", ONC_COL_FACTOR, "x\r\ny", "x\r\ny"},
                           {"b", ONC_COL_INTEGER, "1", NULL}}},
    {.what = "BOM", .input = "\xEF\xBB\xBFid,val\n1,2\n",
     .n_rows = 1, .cols = {{"id", ONC_COL_INTEGER, "1", NULL},
                           {"val", ONC_COL_INTEGER, "2", NULL}}},
    {.what = "BOM and quoted names", .input = "\xEF\xBB\xBF\"id\",\"v a\"\"l\"\n1,2\n",
     .n_rows = 1, .cols = {{"id", ONC_COL_INTEGER, "1", NULL},
                           {"v a\"l", ONC_COL_INTEGER, "2", NULL}}},
    {.what = "names kept exactly", .input = " a ,Überlebenszeit (Monate)\n1,2\n",
     .n_rows = 1, .cols = {{" a ", ONC_COL_INTEGER, "1", NULL},
                           {"Überlebenszeit (Monate)", ONC_COL_INTEGER, "2", NULL}}},
    {.what = "no final newline", .input = "a,b\n1,2\n3,\"4\"",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, "1|3", NULL},
                           {"b", ONC_COL_INTEGER, "2|4", NULL}}},
    {.what = "final CR", .input = "a,b\n1,2\r",
     .n_rows = 1, .cols = {{"a", ONC_COL_INTEGER, "1", NULL},
                           {"b", ONC_COL_INTEGER, "2", NULL}}},
    {.what = "blank lines skipped", .input = "\n\na,b\n\n1,2\n\r\n3,4\n\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, "1|3", NULL},
                           {"b", ONC_COL_INTEGER, "2|4", NULL}}},
    {.what = "one column", .input = "a\n1\n\n2\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, "1|2", NULL}}},
    {.what = "empty fields", .input = "a,b,c\n,,\n1,2,3\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, MISSING "|1", NULL},
                           {"b", ONC_COL_INTEGER, MISSING "|2", NULL},
                           {"c", ONC_COL_INTEGER, MISSING "|3", NULL}}},
    {.what = "semicolon detected", .input = "a;b;c\n1,5;2;x\n",
     .n_rows = 1, .cols = {{"a", ONC_COL_FACTOR, "1,5", "1,5"},
                           {"b", ONC_COL_INTEGER, "2", NULL},
                           {"c", ONC_COL_FACTOR, "x", "x"}}},
    {.what = "semicolon and decimal comma", .input = "x;y\n1,5;2\n-0,25;3\n", .decimal = ',',
     .n_rows = 2, .cols = {{"x", ONC_COL_NUMBER, "1.5|-0.25", NULL},
                           {"y", ONC_COL_INTEGER, "2|3", NULL}}},
    {.what = "decimal comma refuses a point", .input = "x;y\n1.5;2\n", .decimal = ',',
     .n_rows = 1, .cols = {{"x", ONC_COL_FACTOR, "1.5", "1.5"},
                           {"y", ONC_COL_INTEGER, "2", NULL}}},
    {.what = "tab detected", .input = "a\tb\tc\n1\tx, y\t2;3\n",
     .n_rows = 1, .cols = {{"a", ONC_COL_INTEGER, "1", NULL},
                           {"b", ONC_COL_FACTOR, "x, y", "x, y"},
                           {"c", ONC_COL_FACTOR, "2;3", "2;3"}}},
    {.what = "detection ignores quoted separators", .input = "\"a;b;c\",d\n1,2\n",
     .n_rows = 1, .cols = {{"a;b;c", ONC_COL_INTEGER, "1", NULL},
                           {"d", ONC_COL_INTEGER, "2", NULL}}},
    {.what = "explicit separator", .input = "a|b\n1|x,y\n", .sep = '|',
     .n_rows = 1, .cols = {{"a", ONC_COL_INTEGER, "1", NULL},
                           {"b", ONC_COL_FACTOR, "x,y", "x,y"}}},
    {.what = "explicit separator overrides detection", .input = "a,b;c\n1,2;3\n", .sep = ',',
     .n_rows = 1, .cols = {{"a", ONC_COL_INTEGER, "1", NULL},
                           {"b;c", ONC_COL_FACTOR, "2;3", "2;3"}}},
    {.what = "quote inside an unquoted field is data", .input = "h\n5'10\"\n",
     .n_rows = 1, .cols = {{"h", ONC_COL_FACTOR, "5'10\"", "5'10\""}}},

    /* ---- missing values ---- */
    {.what = "default missing tokens", .input = "a,b,c,d\nNA,.,NaN,\n1,2,3,4\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, MISSING "|1", NULL},
                           {"b", ONC_COL_INTEGER, MISSING "|2", NULL},
                           {"c", ONC_COL_INTEGER, MISSING "|3", NULL},
                           {"d", ONC_COL_INTEGER, MISSING "|4", NULL}}},
    {.what = "quoted and padded tokens are missing", .input = "a,b\n\"NA\", NA \n1,x\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, MISSING "|1", NULL},
                           {"b", ONC_COL_FACTOR, MISSING "|x", "x"}}},
    {.what = "custom missing tokens", .input = "a,b\n-99,x\n5,missing\n,y\nNA,-99\n",
     .na = na_custom, .n_na = 2,
     .n_rows = 4, .cols = {{"a", ONC_COL_FACTOR, MISSING "|5||NA", "|5|NA"},
                           {"b", ONC_COL_FACTOR, "x|" MISSING "|y|" MISSING, "x|y"}}},
    {.what = "blank numbers are missing whatever the tokens", .input = "a\n1\n\n \n2\n",
     .na = na_only_na, .n_na = 1,
     .n_rows = 3, .cols = {{"a", ONC_COL_INTEGER, "1|" MISSING "|2", NULL}}},
    {.what = "blank text is a level when \"\" is not a token", .input = "a,b\n1,\n2,x\n3, \n",
     .na = na_only_na, .n_na = 1,
     .n_rows = 3, .cols = {{"a", ONC_COL_INTEGER, "1|2|3", NULL},
                           {"b", ONC_COL_FACTOR, "|x| ", "| |x"}}},
    {.what = "all-missing column is logical", .input = "a,b,c\n1,,NA\n2,NA,.\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, "1|2", NULL},
                           {"b", ONC_COL_LOGICAL, MISSING "|" MISSING, NULL},
                           {"c", ONC_COL_LOGICAL, MISSING "|" MISSING, NULL}}},

    /* ---- inferred types ---- */
    {.what = "logical spellings", .input = "l\nTRUE\nfalse\nT\nF\ntrue\nFALSE\nNA\n",
     .n_rows = 7, .cols = {{"l", ONC_COL_LOGICAL, "1|0|1|0|1|0|" MISSING, NULL}}},
    {.what = "True/False are text, as in R", .input = "l\nTrue\nFalse\n",
     .n_rows = 2, .cols = {{"l", ONC_COL_FACTOR, "True|False", "False|True"}}},
    {.what = "0/1 is integer, as in R", .input = "e\n0\n1\n",
     .n_rows = 2, .cols = {{"e", ONC_COL_INTEGER, "0|1", NULL}}},
    {.what = "integers", .input = "i\n007\n-3\n+4\n 12 \n-0\n9007199254740991\n",
     .n_rows = 6, .cols = {{"i", ONC_COL_INTEGER, "7|-3|4|12|0|9007199254740991", NULL}}},
    {.what = "2^53 is a number", .input = "i\n1\n9007199254740992\n",
     .n_rows = 2, .cols = {{"i", ONC_COL_NUMBER, "1|9007199254740992", NULL}}},
    {.what = "numbers", .input = "n\n1.5\n2\n1e3\n.5\n-0\n1.\n-2.5E-2\n+7\n",
     .n_rows = 8, .cols = {{"n", ONC_COL_NUMBER, "1.5|2|1e3|.5|-0|1.|-2.5E-2|7", NULL}}},
    {.what = "not numbers", .input = "n\n1\nInf\n",
     .n_rows = 2, .cols = {{"n", ONC_COL_FACTOR, "1|Inf", "1|Inf"}}},
    {.what = "hex, exponent without digits, two signs are text",
     .input = "a,b,c,d,e\n0x1A,1e,--1,1e999,1.2.3\n",
     .n_rows = 1, .cols = {{"a", ONC_COL_FACTOR, "0x1A", "0x1A"},
                           {"b", ONC_COL_FACTOR, "1e", "1e"},
                           {"c", ONC_COL_FACTOR, "--1", "--1"},
                           {"d", ONC_COL_FACTOR, "1e999", "1e999"},
                           {"e", ONC_COL_FACTOR, "1.2.3", "1.2.3"}}},
    {.what = "quoted numbers are numbers", .input = "a\n\"1\"\n\"2.5\"\n",
     .n_rows = 2, .cols = {{"a", ONC_COL_NUMBER, "1|2.5", NULL}}},
    {.what = "padded values", .input = "a,b,c\n 1 , x ,\t2020-01-01\t\n",
     .n_rows = 1, .cols = {{"a", ONC_COL_INTEGER, "1", NULL},
                           {"b", ONC_COL_FACTOR, " x ", " x "},
                           {"c", ONC_COL_DATE, "2020-01-01", NULL}}},
    {.what = "ISO dates", .input = "d\n2000-02-29\n1969-12-31\n0001-01-01\n9999-12-31\n",
     .n_rows = 4, .cols = {{"d", ONC_COL_DATE,
                            "2000-02-29|1969-12-31|0001-01-01|9999-12-31", NULL}}},
    {.what = "dates mixed with text are text", .input = "d\n2000-02-29\npending\n",
     .n_rows = 2, .cols = {{"d", ONC_COL_FACTOR, "2000-02-29|pending", "2000-02-29|pending"}}},
    {.what = "text after many numbers", .input = "a,b\n1,1\n2,2\nx,3\n3,4\n",
     .n_rows = 4, .cols = {{"a", ONC_COL_FACTOR, "1|2|x|3", "1|2|3|x"},
                           {"b", ONC_COL_INTEGER, "1|2|3|4", NULL}}},
    {.what = "level order is by bytes",
     .input = "f\nb\nB\na\n_\n\xC3\x84\nA\nab\na\n",
     .n_rows = 8, .cols = {{"f", ONC_COL_FACTOR, "b|B|a|_|\xC3\x84|A|ab|a",
                            "A|B|_|a|ab|b|\xC3\x84"}}},
    {.what = "UTF-8 text", .input = "patient,diagnosis\n1,\xE8\x82\x9D\xE8\xBD\xAC\xE7\xA7\xBB\n"
                                    "2,Lebermetastase\n",
     .n_rows = 2, .cols = {{"patient", ONC_COL_INTEGER, "1|2", NULL},
                           {"diagnosis", ONC_COL_FACTOR,
                            "\xE8\x82\x9D\xE8\xBD\xAC\xE7\xA7\xBB|Lebermetastase",
                            "Lebermetastase|\xE8\x82\x9D\xE8\xBD\xAC\xE7\xA7\xBB"}}},

    /* ---- date formats ---- */
    {.what = "day-first format", .input = "d\n03/04/2020\n31/12/1999\nNA\n",
     .date_format = "%d/%m/%Y",
     .n_rows = 3, .cols = {{"d", ONC_COL_DATE, "2020-04-03|1999-12-31|" MISSING, NULL}}},
    {.what = "month-first format", .input = "d\n03/04/2020\n12/31/1999\n",
     .date_format = "%m/%d/%Y",
     .n_rows = 2, .cols = {{"d", ONC_COL_DATE, "2020-03-04|1999-12-31", NULL}}},
    {.what = "month names", .input = "d\n03APR2020\n15sep1960\n",
     .date_format = "%d%b%Y",
     .n_rows = 2, .cols = {{"d", ONC_COL_DATE, "2020-04-03|1960-09-15", NULL}}},
    {.what = "ISO still read beside a format", .input = "a,b\n03/04/2020,2020-01-05\n",
     .date_format = "%d/%m/%Y",
     .n_rows = 1, .cols = {{"a", ONC_COL_DATE, "2020-04-03", NULL},
                           {"b", ONC_COL_DATE, "2020-01-05", NULL}}},
    {.what = "integers win over %Y%m%d", .input = "d\n20200105\n",
     .date_format = "%Y%m%d",
     .n_rows = 1, .cols = {{"d", ONC_COL_INTEGER, "20200105", NULL}}},
    {.what = "%Y%m%d beside ISO is dates", .input = "d\n20200105\n\n2020-01-06\n20200107\n",
     .date_format = "%Y%m%d",
     .n_rows = 3, .cols = {{"d", ONC_COL_DATE, "2020-01-05|2020-01-06|2020-01-07", NULL}}},
    {.what = "forced date with %Y%m%d", .input = "d\n20200105\n", .date_format = "%Y%m%d",
     .overrides = ov_d_date, .n_overrides = 1,
     .n_rows = 1, .cols = {{"d", ONC_COL_DATE, "2020-01-05", NULL}}},
    {.what = "forced text keeps foreign dates", .input = "d\n03/04/2020\n",
     .overrides = ov_d_factor, .n_overrides = 1,
     .n_rows = 1, .cols = {{"d", ONC_COL_FACTOR, "03/04/2020", "03/04/2020"}}},

    /* ---- overrides ---- */
    {.what = "overrides", .input = "id,code,ev,when,grp,dose\n"
                                   "1,007,1,2020-01-02,1,400\n2,010,0,2020-02-03,2,3.0E2\n"
                                   "3,NA,T,,NA,\n",
     .overrides = ov_many, .n_overrides = 6,
     .n_rows = 3, .cols = {{"id", ONC_COL_NUMBER, "1|2|3", NULL},
                           {"code", ONC_COL_FACTOR, "007|010|" MISSING, "007|010"},
                           {"ev", ONC_COL_LOGICAL, "1|0|1", NULL},
                           {"when", ONC_COL_DATE, "2020-01-02|2020-02-03|" MISSING, NULL},
                           {"grp", ONC_COL_FACTOR, "1|2|" MISSING, "1|2"},
                           {"dose", ONC_COL_INTEGER, "400|300|" MISSING, NULL}}},

    /* ---- errors: structure ---- */
    {.what = "empty input", .input = "", .status = ONC_ERR_PARSE,
     .err_column = "", .err_text = "empty file"},
    {.what = "only a BOM", .input = "\xEF\xBB\xBF", .status = ONC_ERR_PARSE,
     .err_column = "", .err_text = "empty file"},
    {.what = "only blank lines", .input = "\n\r\n\n", .status = ONC_ERR_PARSE,
     .err_column = "", .err_text = "empty file"},
    {.what = "header only", .input = "a,b\n", .status = ONC_ERR_DATA,
     .err_line = 1, .err_column = "", .err_text = "no data rows"},
    {.what = "header only, no newline", .input = "a,b", .status = ONC_ERR_DATA,
     .err_line = 1, .err_column = "", .err_text = "no data rows"},
    {.what = "header and blank lines", .input = "a,b\n\n\r\n", .status = ONC_ERR_DATA,
     .err_line = 1, .err_column = "", .err_text = "no data rows"},
    {.what = "empty name", .input = "a,,c\n1,2,3\n", .status = ONC_ERR_PARSE,
     .err_line = 1, .err_column = "", .err_text = "column 2 of the header has an empty name"},
    {.what = "empty last name", .input = "a,b,\n1,2,3\n", .status = ONC_ERR_PARSE,
     .err_line = 1, .err_column = "", .err_text = "column 3 of the header has an empty name"},
    {.what = "duplicate name", .input = "\n\"a\",b,a\n1,2,3\n", .status = ONC_ERR_PARSE,
     .err_line = 2, .err_column = "",
     .err_text = "column 3 of the header repeats the name 'a' of column 1"},
    {.what = "too few fields", .input = "a,b,c\n1,2,3\n4,5\n", .status = ONC_ERR_PARSE,
     .err_row = 2, .err_line = 3, .err_column = "",
     .err_text = "expected 3 fields (as in the header), found 2"},
    {.what = "too many fields", .input = "a,b\n1,2\n3,4,5,\"6\"\n7,8\n", .status = ONC_ERR_PARSE,
     .err_row = 2, .err_line = 3, .err_column = "",
     .err_text = "expected 2 fields (as in the header), found 4"},
    {.what = "lines counted through quoted newlines",
     .input = "id,n\n1,\"a\nb\"\n\n2,x,y\n", .status = ONC_ERR_PARSE,
     .err_row = 2, .err_line = 5, .err_column = "", .err_text = "found 3"},
    {.what = "unterminated quote", .input = "a,b\n1,2\n3,\"abc\n4,5\n", .status = ONC_ERR_PARSE,
     .err_row = 2, .err_line = 3, .err_column = "b",
     .err_text = "the quote opened on line 3 is never closed"},
    {.what = "unterminated quote in the header", .input = "a,\"b\n", .status = ONC_ERR_PARSE,
     .err_line = 1, .err_column = "", .err_text = "the quote opened on line 1"},
    {.what = "text after a closing quote", .input = "a,b\n\"x\"y,1\n", .status = ONC_ERR_PARSE,
     .err_row = 1, .err_line = 2, .err_column = "a",
     .err_text = "unexpected character 'y' after the closing quote"},
    {.what = "bare CR after a closing quote", .input = "a,b\n\"x\"\r1,1\n",
     .status = ONC_ERR_PARSE, .err_row = 1, .err_line = 2, .err_column = "a",
     .err_text = "unexpected character 0x0D"},
    {.what = "invalid UTF-8", .input = "a,b\n1,x\xFFy\n", .status = ONC_ERR_PARSE,
     .err_row = 1, .err_line = 2, .err_column = "b",
     .err_text = "invalid UTF-8 at byte offset 7 (byte 0xFF)"},
    {.what = "overlong UTF-8", .input = "a,b\n1,\xC0\xAF\n", .status = ONC_ERR_PARSE,
     .err_row = 1, .err_line = 2, .err_column = "b", .err_text = "invalid UTF-8 at byte offset 6"},
    {.what = "UTF-8 surrogate", .input = "a,b\n1,\"\xED\xA0\x80\"\n", .status = ONC_ERR_PARSE,
     .err_row = 1, .err_line = 2, .err_column = "b", .err_text = "invalid UTF-8 at byte offset 7"},
    {.what = "UTF-8 cut at the end", .input = "a,b\n1,\xE8\x82", .status = ONC_ERR_PARSE,
     .err_row = 1, .err_line = 2, .err_column = "b", .err_text = "invalid UTF-8 at byte offset 6"},
    {.what = "invalid UTF-8 in the header", .input = "a,\x80\n1,2\n", .status = ONC_ERR_PARSE,
     .err_line = 1, .err_column = "", .err_text = "invalid UTF-8 at byte offset 2"},
    {.what = "NUL byte", .input = "a,b\n1,x\0y\n", .len = 10, .status = ONC_ERR_PARSE,
     .err_row = 1, .err_line = 2, .err_column = "b", .err_text = "NUL byte at byte offset 7"},
    {.what = "UTF-16 text", .input = "\xFF\xFE" "a\0,\0b\0", .len = 8, .status = ONC_ERR_PARSE,
     .err_line = 1, .err_column = "", .err_text = "invalid UTF-8 at byte offset 0"},
    {.what = "CR-only line ends", .input = "a,b\r1,2\r", .status = ONC_ERR_PARSE,
     .err_line = 1, .err_column = "", .err_text = "carriage return"},

    /* ---- errors: caps ---- */
    {.what = "field over the cap", .input = "a,b\n1,abcd\n2,abcde\n", .max_cell = 4,
     .status = ONC_ERR_LIMIT, .err_row = 2, .err_line = 3, .err_column = "b",
     .err_text = "field is longer than the cap of 4 bytes"},
    {.what = "quoted field over the cap", .input = "a\n\"ab\ncdef\"\n", .max_cell = 4,
     .status = ONC_ERR_LIMIT, .err_row = 1, .err_line = 2, .err_column = "a",
     .err_text = "field is longer than the cap of 4 bytes"},
    {.what = "unterminated field over the cap", .input = "a\n1\n\"abcdef", .max_cell = 4,
     .status = ONC_ERR_LIMIT, .err_row = 2, .err_line = 3, .err_column = "a",
     .err_text = "field is longer than the cap of 4 bytes"},
    {.what = "over the cap before an encoding error", .input = "a\nabcdef\xFF\n", .max_cell = 4,
     .status = ONC_ERR_LIMIT, .err_row = 1, .err_line = 2, .err_column = "a",
     .err_text = "field is longer than the cap of 4 bytes"},
    {.what = "at the cap with CRLF", .input = "a\r\nabcd\r\n\"efgh\"\r\n", .max_cell = 4,
     .n_rows = 2, .cols = {{"a", ONC_COL_FACTOR, "abcd|efgh", "abcd|efgh"}}},
    {.what = "name over the cap", .input = "abcde\n1\n", .max_cell = 4,
     .status = ONC_ERR_LIMIT, .err_line = 1, .err_column = "", .err_text = "cap of 4 bytes"},
    {.what = "too many columns", .input = "a,b,c\n1,2,3\n", .max_cols = 2,
     .status = ONC_ERR_LIMIT, .err_line = 1, .err_column = "",
     .err_text = "more than 2 columns"},
    {.what = "too many rows", .input = "a\n1\n2\n\n3\n", .max_rows = 2,
     .status = ONC_ERR_LIMIT, .err_row = 3, .err_line = 5, .err_column = "",
     .err_text = "more than 2 data rows"},
    {.what = "rows at the cap", .input = "a\n1\n2\n", .max_rows = 2,
     .n_rows = 2, .cols = {{"a", ONC_COL_INTEGER, "1|2", NULL}}},

    /* ---- errors: dates ---- */
    {.what = "ambiguous date", .input = "id,visit\n1,2020-01-03\n2,03/04/2020\n",
     .status = ONC_ERR_PARSE, .err_row = 2, .err_line = 3, .err_column = "visit",
     .err_text = "ambiguous date '03/04/2020': give a date format such as %d/%m/%Y or %m/%d/%Y"},
    {.what = "ambiguous date after numbers", .input = "x\n5\n\n6\n03.04.2020\n",
     .status = ONC_ERR_PARSE, .err_row = 3, .err_line = 5, .err_column = "x",
     .err_text = "ambiguous date '03.04.2020': give a date format such as %d.%m.%Y or %m.%d.%Y"},
    {.what = "first of several foreign dates",
     .input = "x\nbaseline\n12/31/2020\n03/04/2020\n12/31/2020\n",
     .status = ONC_ERR_PARSE, .err_row = 2, .err_line = 3, .err_column = "x",
     .err_text = "ambiguous date '12/31/2020'"},
    {.what = "month-name date without a format", .input = "d\n03-Apr-2020\n",
     .status = ONC_ERR_PARSE, .err_row = 1, .err_line = 2, .err_column = "d",
     .err_text = "non-ISO date '03-Apr-2020': give a date format such as %d-%b-%Y"},
    {.what = "two-digit year", .input = "d\n2020-01-01\n03/04/20\n",
     .status = ONC_ERR_PARSE, .err_row = 2, .err_line = 3, .err_column = "d",
     .err_text = "two-digit years"},
    {.what = "other layout than the format", .input = "d\n03/04/2020\n03.04.2020\n",
     .date_format = "%d/%m/%Y",
     .status = ONC_ERR_PARSE, .err_row = 2, .err_line = 3, .err_column = "d",
     .err_text = "date '03.04.2020' does not match the date format %d/%m/%Y"},
    {.what = "impossible date with a format", .input = "d\n03/04/2020\n30/02/2021\n",
     .date_format = "%d/%m/%Y",
     .status = ONC_ERR_DATA, .err_row = 2, .err_line = 3, .err_column = "d",
     .err_text = "invalid date '30/02/2021'"},
    {.what = "impossible ISO date", .input = "d\n2021-02-28\n\n2021-02-30\n2021-13-01\n",
     .status = ONC_ERR_DATA, .err_row = 2, .err_line = 4, .err_column = "d",
     .err_text = "invalid date '2021-02-30'"},
    {.what = "impossible date among text", .input = "d\n30/02/2021\npending\n",
     .date_format = "%d/%m/%Y",
     .status = ONC_ERR_DATA, .err_row = 1, .err_line = 2, .err_column = "d",
     .err_text = "invalid date '30/02/2021'"},
    {.what = "error after a second pass over some columns",
     .input = "d,s\n03/14/2020,x\n31/12/1999,\n30/02/20121,h\n", .date_format = "%d/%m/%Y",
     .status = ONC_ERR_DATA, .err_row = 1, .err_line = 2, .err_column = "d",
     .err_text = "invalid date '03/14/2020'"},
    {.what = "dates in the format among text are text", .input = "d\n28/02/2021\npending\n",
     .date_format = "%d/%m/%Y",
     .n_rows = 2, .cols = {{"d", ONC_COL_FACTOR, "28/02/2021|pending", "28/02/2021|pending"}}},
    {.what = "impossible date in a forced column", .input = "d\n2021-02-31\n",
     .overrides = ov_d_date, .n_overrides = 1,
     .status = ONC_ERR_DATA, .err_row = 1, .err_line = 2, .err_column = "d",
     .err_text = "invalid date '2021-02-31'"},

    /* ---- errors: values that do not fit an override ---- */
    {.what = "forced number", .input = "id,age\n1,61\n2,abc\n",
     .overrides = ov_age_number, .n_overrides = 1,
     .status = ONC_ERR_DATA, .err_row = 2, .err_line = 3, .err_column = "age",
     .err_text = "expected a number, found 'abc'"},
    {.what = "forced integer", .input = "id,age\n1,61\n2,\"61.5\"\n",
     .overrides = ov_age_integer, .n_overrides = 1,
     .status = ONC_ERR_DATA, .err_row = 2, .err_line = 3, .err_column = "age",
     .err_text = "expected an integer, found '61.5'"},
    {.what = "forced logical", .input = "flag\nT\nyes\n",
     .overrides = ov_flag_logical, .n_overrides = 1,
     .status = ONC_ERR_DATA, .err_row = 2, .err_line = 3, .err_column = "flag",
     .err_text = "expected a logical"},
    {.what = "forced date", .input = "d\n2020-01-01\nsoon\n",
     .overrides = ov_d_date, .n_overrides = 1,
     .status = ONC_ERR_DATA, .err_row = 2, .err_line = 3, .err_column = "d",
     .err_text = "expected a date (YYYY-MM-DD), found 'soon'"},
    {.what = "forced date with a format", .input = "d\n2020/01/01\n",
     .overrides = ov_d_date, .n_overrides = 1, .date_format = "%d.%m.%Y",
     .status = ONC_ERR_DATA, .err_row = 1, .err_line = 2, .err_column = "d",
     .err_text = "expected a date (%d.%m.%Y), found '2020/01/01'"},

    /* ---- errors: options ---- */
    {.what = "override of an unknown column", .input = "a\n1\n",
     .overrides = ov_unknown, .n_overrides = 1, .status = ONC_ERR_USAGE, .err_column = "",
     .err_text = "names the column 'nope', which is not in the header"},
    {.what = "two overrides for a column", .input = "a\n1\n",
     .overrides = ov_twice, .n_overrides = 2, .status = ONC_ERR_USAGE, .err_column = "a",
     .err_text = "two type overrides"},
    {.what = "decimal comma with comma separator", .input = "a,b\n1,2\n", .decimal = ',',
     .status = ONC_ERR_USAGE, .err_column = "", .err_text = "cannot also be the field separator"},
    {.what = "%y refused", .input = "a\n1\n", .date_format = "%d/%m/%y",
     .status = ONC_ERR_USAGE, .err_column = "", .err_text = "%y is not accepted"},
    {.what = "unknown decimal mark", .input = "a\n1\n", .decimal = ';',
     .status = ONC_ERR_USAGE, .err_column = "", .err_text = "decimal mark"},
    {.what = "quote as separator", .input = "a\n1\n", .sep = '"',
     .status = ONC_ERR_USAGE, .err_column = "", .err_text = "field separator"},
    {.what = "cell cap above the limit", .input = "a\n1\n", .max_cell = 9000000,
     .status = ONC_ERR_USAGE, .err_column = "", .err_text = "cannot exceed"},
};

/* ---- helpers ---- */

static void case_options(const csv_case *c, onc_csv_options *opt)
{
    onc_csv_options_init(opt);
    if (c->sep)
        opt->sep = c->sep;
    if (c->decimal)
        opt->decimal = c->decimal;
    opt->date_format = c->date_format;
    opt->na_tokens = c->na;
    opt->n_na_tokens = c->n_na;
    opt->overrides = c->overrides;
    opt->n_overrides = c->n_overrides;
    opt->max_rows = c->max_rows;
    opt->max_cols = c->max_cols;
    opt->max_cell_bytes = c->max_cell;
}

/* The k-th '|'-separated item of list (0-based) into buf; -1 if absent. */
static int list_item(const char *list, size_t k, char *buf, size_t cap)
{
    const char *p = list, *end;

    for (; k > 0; k--) {
        p = strchr(p, '|');
        if (p == NULL)
            return -1;
        p++;
    }
    end = strchr(p, '|');
    if (end == NULL)
        end = p + strlen(p);
    if ((size_t)(end - p) >= cap)
        return -1;
    memcpy(buf, p, (size_t)(end - p));
    buf[end - p] = '\0';
    return 0;
}

static size_t list_count(const char *list)
{
    size_t n = 1;

    for (; *list; list++)
        n += *list == '|';
    return n;
}

static int same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b && signbit(a) == signbit(b);
}

/* Compare column c with its expectation; returns the number of mismatches. */
static int check_column(const char *what, const onc_column *c, const col_expect *e, size_t n_rows)
{
    char item[256];
    size_t i;
    int bad = 0;

    if (strcmp(c->name, e->name) != 0 || c->type != e->type) {
        fprintf(stderr, "  [%s] column '%s' %s, expected '%s' %s\n", what, c->name,
                onc_coltype_name(c->type), e->name, onc_coltype_name(e->type));
        return 1;
    }
    if (list_count(e->values) != n_rows) {
        fprintf(stderr, "  [%s] bad expectation for '%s'\n", what, e->name);
        return 1;
    }
    for (i = 0; i < n_rows; i++) {
        if (list_item(e->values, i, item, sizeof item) != 0)
            return 1;
        if (c->type == ONC_COL_FACTOR) {
            const char *got = c->code[i] < 0 ? MISSING : c->levels[c->code[i]];
            if (strcmp(got, item) != 0) {
                fprintf(stderr, "  [%s] '%s' row %zu: '%s', expected '%s'\n", what, e->name,
                        i + 1, got, item);
                bad++;
            }
        } else {
            double want = NAN;
            if (strcmp(item, MISSING) == 0)
                want = NAN;
            else if (c->type == ONC_COL_DATE)
                onc_date_parse(item, strlen(item), NULL, &want);
            else
                want = strtod(item, NULL);
            if (!same_double(c->num[i], want)) {
                fprintf(stderr, "  [%s] '%s' row %zu: %.17g, expected %.17g\n", what, e->name,
                        i + 1, c->num[i], want);
                bad++;
            }
        }
    }
    if (c->type == ONC_COL_FACTOR) {
        /* "|x" lists an empty level before "x". */
        size_t want_n = list_count(e->levels);

        if (c->n_levels != want_n) {
            fprintf(stderr, "  [%s] '%s' has %zu levels, expected %zu\n", what, e->name,
                    c->n_levels, want_n);
            return bad + 1;
        }
        for (i = 0; i < c->n_levels; i++) {
            if (list_item(e->levels, i, item, sizeof item) != 0 ||
                strcmp(c->levels[i], item) != 0) {
                fprintf(stderr, "  [%s] '%s' level %zu is '%s'\n", what, e->name, i + 1,
                        c->levels[i]);
                bad++;
            }
        }
    } else if (c->levels != NULL || c->n_levels != 0) {
        bad++;
    }
    return bad;
}

/* Are two frames identical (names, types, values bit for bit, levels)? */
static int frames_equal(const onc_frame *a, const onc_frame *b)
{
    size_t j, i;

    if (a == NULL || b == NULL)
        return a == b;
    if (a->n_rows != b->n_rows || a->n_cols != b->n_cols)
        return 0;
    for (j = 0; j < a->n_cols; j++) {
        const onc_column *x = &a->cols[j], *y = &b->cols[j];
        if (strcmp(x->name, y->name) != 0 || x->type != y->type || x->n_levels != y->n_levels)
            return 0;
        for (i = 0; i < a->n_rows; i++) {
            if (x->type == ONC_COL_FACTOR ? x->code[i] != y->code[i]
                                          : !same_double(x->num[i], y->num[i]))
                return 0;
        }
        for (i = 0; i < x->n_levels; i++)
            if (strcmp(x->levels[i], y->levels[i]) != 0)
                return 0;
    }
    return 1;
}

static int errors_equal(const onc_error *a, const onc_error *b)
{
    return a->status == b->status && a->row == b->row && a->line == b->line &&
           strcmp(a->column, b->column) == 0 && strcmp(a->message, b->message) == 0 &&
           strcmp(a->file, b->file) == 0;
}

static char tmp_dir[64];

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    int ok;

    if (fp == NULL)
        return -1;
    ok = fwrite(data, 1, len, fp) == len;
    return fclose(fp) == 0 && ok ? 0 : -1;
}

/* ---- the table ---- */

static void run_case(const csv_case *c)
{
    static const size_t pieces[] = {1, 2, 3, 5, 8, 64, 0};
    onc_csv_options opt;
    onc_frame *f = (onc_frame *)&opt;   /* must be reset to NULL on failure */
    onc_error err;
    size_t len = c->len ? c->len : strlen(c->input), j, k;
    char path[128];
    onc_status rc;

    case_options(c, &opt);
    snprintf(path, sizeof path, "%s/case.csv", tmp_dir);
    rc = onc_csv_read_buffer(c->input, len, path, &opt, &f, &err);
    CHECK(rc == c->status);
    if (rc != c->status)
        fprintf(stderr, "  [%s] status %d (%s), expected %d\n", c->what, rc, err.message,
                c->status);
    if (c->status == ONC_OK && rc == ONC_OK) {
        CHECK(f->n_rows == c->n_rows);
        for (j = 0; j < 8 && c->cols[j].name != NULL; j++)
            ;
        CHECK(f->n_cols == j);
        CHECK_STR(f->source, path);
        if (f->n_rows == c->n_rows && f->n_cols == j)
            for (j = 0; j < f->n_cols; j++)
                CHECK(check_column(c->what, &f->cols[j], &c->cols[j], f->n_rows) == 0);
    } else if (c->status != ONC_OK && rc == c->status) {
        CHECK(f == NULL);
        CHECK(err.status == c->status);
        CHECK(err.row == c->err_row);
        CHECK(err.line == c->err_line);
        CHECK_STR(err.column, c->err_column);
        CHECK(strstr(err.message, c->err_text) != NULL);
        CHECK(strncmp(err.message, path, strlen(path)) == 0);
        if (err.row != c->err_row || err.line != c->err_line ||
            strstr(err.message, c->err_text) == NULL)
            fprintf(stderr, "  [%s] row %zu line %zu: %s\n", c->what, err.row, err.line,
                    err.message);
    }

    /* The same bytes from a file, read in pieces of every small size. */
    if (write_file(path, c->input, len) != 0) {
        CHECK(!"cannot write the temporary file");
        onc_frame_free(f);
        return;
    }
    for (k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
        onc_frame *g = NULL;
        onc_error err2;
        onc_status rc2;

        opt.read_bytes = pieces[k];
        rc2 = onc_csv_read(path, &opt, &g, &err2);
        CHECK(rc2 == rc);
        if (rc == ONC_OK && rc2 == ONC_OK)
            CHECK(frames_equal(f, g));
        else if (rc2 == rc)
            CHECK(errors_equal(&err, &err2));
        if (rc2 != rc || (rc != ONC_OK && !errors_equal(&err, &err2)))
            fprintf(stderr, "  [%s] read in pieces of %zu: %s\n", c->what, pieces[k],
                    err2.message);
        onc_frame_free(g);
    }
    onc_frame_free(f);
}

/* ---- R read.csv on tests/data/csv/patients.csv ---- */

static void check_patients(void)
{
    golden *g = golden_load("tests/golden/io/csv_patients.txt");
    onc_frame *f = NULL;
    onc_error err;
    size_t n, j, i, k;
    const double *v;

    CHECK(onc_csv_read("tests/data/csv/patients.csv", NULL, &f, &err) == ONC_OK);
    if (f == NULL) {
        fprintf(stderr, "  patients.csv: %s\n", err.message);
        golden_free(g);
        return;
    }
    v = golden_get(g, "ncol", &n);
    CHECK(v != NULL && f->n_cols == (size_t)v[0]);
    v = golden_get(g, "nrow", &n);
    CHECK(v != NULL && f->n_rows == (size_t)v[0]);
    for (j = 0; j < f->n_cols; j++) {
        const onc_column *c = &f->cols[j];
        char key[64];
        const double *type, *vals;
        size_t nv;

        snprintf(key, sizeof key, "type_%zu", j + 1);
        type = golden_get(g, key, &n);
        CHECK(type != NULL && (int)c->type == (int)type[0]);
        snprintf(key, sizeof key, "val_%zu", j + 1);
        vals = golden_get(g, key, &nv);
        if (type == NULL || vals == NULL || nv != f->n_rows || (int)c->type != (int)type[0])
            continue;
        for (i = 0; i < f->n_rows; i++) {
            if (c->type == ONC_COL_FACTOR) {
                CHECK(isnan(vals[i]) ? c->code[i] == -1 : c->code[i] == (int32_t)vals[i]);
            } else {
                /* strtod in both: the same bits, sign of zero included */
                CHECK(same_double(c->num[i], vals[i]));
                if (!same_double(c->num[i], vals[i]))
                    fprintf(stderr, "  patients.csv column %zu row %zu: %.17g vs R %.17g\n",
                            j + 1, i + 1, c->num[i], vals[i]);
            }
        }
        if (c->type == ONC_COL_FACTOR) {
            snprintf(key, sizeof key, "nlev_%zu", j + 1);
            v = golden_get(g, key, &n);
            CHECK(v != NULL && c->n_levels == (size_t)v[0]);
            for (k = 0; v != NULL && k < c->n_levels && k < (size_t)v[0]; k++) {
                const double *bytes;
                size_t nb, b;
                int same;

                snprintf(key, sizeof key, "lev_%zu_%zu", j + 1, k + 1);
                bytes = golden_get(g, key, &nb);
                same = bytes != NULL && strlen(c->levels[k]) == nb;
                for (b = 0; same && b < nb; b++)
                    same = (unsigned char)c->levels[k][b] == (unsigned)bytes[b];
                CHECK(same);
            }
        }
    }
    /* The -0.0 in size_cm keeps its sign, as strtod gives it. */
    CHECK(f->n_cols > 10 && signbit(f->cols[10].num[3]));
    onc_frame_free(f);
    golden_free(g);
}

/* ---- numbers: bit-for-bit what strtod gives ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static unsigned rng_below(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* A random decimal spelling: sign, digits, mark, digits, exponent. */
static void random_number(char *buf, size_t cap, char decimal)
{
    size_t k = 0, n, i;

    if (rng_below(4) == 0)
        buf[k++] = rng_below(2) ? '-' : '+';
    n = 1 + rng_below(rng_below(4) == 0 ? 25 : 9);
    for (i = 0; i < n; i++)
        buf[k++] = (char)('0' + rng_below(10));
    if (rng_below(3) != 0) {
        buf[k++] = decimal;
        n = rng_below(rng_below(4) == 0 ? 25 : 8);
        for (i = 0; i < n; i++)
            buf[k++] = (char)('0' + rng_below(10));
    }
    if (rng_below(4) == 0)
        k += (size_t)snprintf(buf + k, cap - k, "e%d", (int)rng_below(80) - 40);
    buf[k] = '\0';
}

static void check_numbers_match_strtod(char decimal)
{
    enum { N = 20000 };
    char *text = malloc((size_t)N * 64 + 16), num[64];
    double *want = malloc(N * sizeof *want);
    size_t used, i, bad = 0;
    onc_csv_options opt;
    onc_frame *f = NULL;
    onc_error err;

    if (text == NULL || want == NULL) {
        CHECK(!"out of memory");
        free(text);
        free(want);
        return;
    }
    used = (size_t)snprintf(text, 16, "x\n");
    for (i = 0; i < N; i++) {
        char *comma;

        random_number(num, sizeof num, decimal);
        used += (size_t)snprintf(text + used, 64, "%s\n", num);
        comma = strchr(num, decimal);
        if (comma != NULL)
            *comma = '.';
        want[i] = strtod(num, NULL);
    }
    onc_csv_options_init(&opt);
    opt.decimal = decimal;
    opt.sep = decimal == ',' ? ';' : ',';
    CHECK(onc_csv_read_buffer(text, used, "numbers", &opt, &f, &err) == ONC_OK);
    if (f != NULL) {
        CHECK(f->cols[0].type == ONC_COL_NUMBER);
        for (i = 0; i < N && f->cols[0].type == ONC_COL_NUMBER; i++)
            bad += !same_double(f->cols[0].num[i], want[i]);
        CHECK(bad == 0);
    }
    onc_frame_free(f);
    free(text);
    free(want);
}

/* ---- larger inputs: blocks, windows and the second pass ---- */

static void check_late_changes(void)
{
    enum { N = 30000 };
    size_t cap = (size_t)N * 64, used = 0, i;
    char *text = malloc(cap), path[128];
    onc_frame *f = NULL, *g = NULL;
    onc_csv_options opt;
    onc_error err;
    int ok = 1;

    if (text == NULL) {
        CHECK(!"out of memory");
        return;
    }
    /* a: numbers, then text at the very last row (whole column re-read);
    ** b: %Y%m%d integers, then ISO dates late (dates, re-read);
    ** c: quoted multi-line text; d: missing until late, then logicals. */
    used += (size_t)snprintf(text + used, cap - used, "a,b,c,d\n");
    for (i = 0; i < N; i++) {
        int last = i == N - 1;
        used += (size_t)snprintf(text + used, cap - used, "%s,%s,\"r%zu\nx\",%s\n",
                                 last ? "unknown" : (i % 3 ? "7" : "12"),
                                 i < N / 2 ? "20200105" : "2020-01-06", i % 5,
                                 i < N - 10 ? "" : "T");
    }
    onc_csv_options_init(&opt);
    opt.date_format = "%Y%m%d";
    CHECK(onc_csv_read_buffer(text, used, "late.csv", &opt, &f, &err) == ONC_OK);
    if (f != NULL) {
        const onc_column *a = &f->cols[0], *b = &f->cols[1], *c = &f->cols[2], *d = &f->cols[3];
        CHECK(f->n_rows == N);
        CHECK(a->type == ONC_COL_FACTOR && a->n_levels == 3);
        CHECK(b->type == ONC_COL_DATE);
        CHECK(c->type == ONC_COL_FACTOR && c->n_levels == 5);
        CHECK(d->type == ONC_COL_LOGICAL);
        for (i = 0; ok && i < N && a->type == ONC_COL_FACTOR && b->type == ONC_COL_DATE &&
                    d->type == ONC_COL_LOGICAL; i++) {
            const char *want_a = i == N - 1 ? "unknown" : (i % 3 ? "7" : "12");
            ok = strcmp(a->levels[a->code[i]], want_a) == 0 &&
                 b->num[i] == (i < N / 2 ? 18266 : 18267) &&
                 (i < N - 10 ? isnan(d->num[i]) : d->num[i] == 1);
        }
        CHECK(ok);
    }
    snprintf(path, sizeof path, "%s/late.csv", tmp_dir);
    CHECK(write_file(path, text, used) == 0);
    opt.read_bytes = 4096;
    CHECK(onc_csv_read(path, &opt, &g, &err) == ONC_OK);
    CHECK(frames_equal(f, g) || f == NULL);
    onc_frame_free(f);
    onc_frame_free(g);
    free(text);
}

static void check_files(void)
{
    onc_frame *f = (onc_frame *)&f;
    onc_error err;
    char path[128];

    CHECK(onc_csv_read("tests/data/csv/no-such-file.csv", NULL, &f, &err) == ONC_ERR_IO);
    CHECK(f == NULL);
    CHECK(strstr(err.message, "no-such-file.csv: cannot open the file") != NULL);
    CHECK(onc_csv_read(tmp_dir, NULL, &f, &err) == ONC_ERR_IO);
    CHECK(f == NULL);
    CHECK(onc_csv_read(NULL, NULL, &f, &err) == ONC_ERR_USAGE);
    CHECK(onc_csv_read_buffer("a\n1\n", 4, NULL, NULL, NULL, &err) == ONC_ERR_USAGE);
    CHECK(onc_csv_read_buffer(NULL, 3, NULL, NULL, &f, &err) == ONC_ERR_USAGE);

    /* Defaults with opt == NULL and err == NULL, no name. */
    CHECK(onc_csv_read_buffer("a;b\n1;2\n", 8, NULL, NULL, &f, NULL) == ONC_OK);
    CHECK(f != NULL && f->n_cols == 2 && f->source == NULL);
    onc_frame_free(f);
    CHECK(onc_csv_read_buffer("a\n\"x", 4, NULL, NULL, &f, NULL) == ONC_ERR_PARSE);

    /* A long value in a quoted field reported at the line of its quote. */
    snprintf(path, sizeof path, "%s/long.csv", tmp_dir);
    {
        static char big[100000];
        onc_csv_options opt;
        size_t n;

        n = (size_t)snprintf(big, sizeof big, "a\n1\n\"");
        memset(big + n, 'x', 50000);
        n += 50000;
        memcpy(big + n, "\"\n", 2);
        n += 2;
        CHECK(write_file(path, big, n) == 0);
        onc_csv_options_init(&opt);
        opt.read_bytes = 100;
        opt.max_cell_bytes = 1000;
        CHECK(onc_csv_read(path, &opt, &f, &err) == ONC_ERR_LIMIT);
        CHECK(err.row == 2 && err.line == 3);
        opt.max_cell_bytes = 0;
        CHECK(onc_csv_read(path, &opt, &f, &err) == ONC_OK);
        CHECK(f != NULL && f->n_rows == 2 && f->cols[0].type == ONC_COL_FACTOR);
        onc_frame_free(f);
    }
}

/* A pipe cannot be read twice: the reader holds it in memory instead. */
static void check_pipe(void)
{
    static const char text[] = "id,v\n1,x\n2,y\n3,x\n";
    onc_frame *f = NULL;
    onc_error err;
    char path[128];
    pid_t pid;
    int status = 0;

    snprintf(path, sizeof path, "%s/fifo", tmp_dir);
    if (mkfifo(path, 0600) != 0) {
        CHECK(!"cannot make a named pipe");
        return;
    }
    pid = fork();
    if (pid == 0) {
        int fd = open(path, O_WRONLY);
        ssize_t w = fd >= 0 ? write(fd, text, sizeof text - 1) : -1;
        _exit(w == (ssize_t)(sizeof text - 1) ? 0 : 1);
    }
    CHECK(pid > 0);
    CHECK(onc_csv_read(path, NULL, &f, &err) == ONC_OK);
    if (pid > 0)
        waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(f != NULL && f->n_rows == 3 && f->cols[1].type == ONC_COL_FACTOR &&
          f->cols[1].n_levels == 2 && f->cols[1].code[2] == 0);
    onc_frame_free(f);
    remove(path);
}

int main(void)
{
    size_t i;

    harness_set_name("test_csv");
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/oncostat-csv-XXXXXX");
    if (mkdtemp(tmp_dir) == NULL) {
        fprintf(stderr, "cannot create a temporary directory\n");
        return 1;
    }
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
    check_patients();
    check_numbers_match_strtod('.');
    check_numbers_match_strtod(',');
    check_late_changes();
    check_files();
    check_pipe();
    {
        char path[160];
        snprintf(path, sizeof path, "%s/case.csv", tmp_dir);
        remove(path);
        snprintf(path, sizeof path, "%s/late.csv", tmp_dir);
        remove(path);
        snprintf(path, sizeof path, "%s/long.csv", tmp_dir);
        remove(path);
        rmdir(tmp_dir);
    }
    return harness_finish();
}
