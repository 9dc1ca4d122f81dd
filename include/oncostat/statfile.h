/*
** oncostat/statfile.h -- read SPSS, Stata and SAS data files into a frame.
**
** The file formats are decoded by ReadStat; this module maps what ReadStat
** reports onto oncostat's typed columns (oncostat/frame.h):
**
**   numeric variable          NUMBER; INTEGER when the storage type is an
**                             integer (Stata byte/int/long) or the display
**                             format has no decimals (SPSS F8.0, Stata %8.0f,
**                             SAS 8. / F8. / Z5.) and every value is whole
**   string variable           FACTOR, levels sorted by bytes (strcmp)
**   variable with value       FACTOR whose levels are the labels ordered by
**   labels                    value; level_values holds the values.  A value
**                             without a label is a level of its own, named by
**                             the number ("%.15g", as R prints it).  Levels
**                             with the same text are merged.  String
**                             variables with value labels keep bytes order.
**   date display format       DATE, days since 1970-01-01
**     SPSS  DATE ADATE EDATE JDATE SDATE MOYR QYR WKYR    seconds from 1582-10-14
**           DATETIME YMDHMS                                (date-times floored)
**     Stata %td %d                                         days from 1960-01-01
**           %tc, %tC (leap seconds removed)                ms from 1960-01-01
**     SAS   DATE9. YYMMDD10. MMDDYY. DDMMYY. E8601DA. ...  days from 1960-01-01
**           DATETIME20. E8601DT. DTDATE. ...               seconds from 1960
**     A date-time becomes the calendar day it falls on (floor).  Durations
**     (SPSS TIME/DTIME, SAS TIME.) and Stata %tw/%tm/%tq/%th/%ty stay numbers.
**   missing values            NaN (factor code -1): system missing, SPSS
**                             user-defined missing values and ranges, Stata
**                             .a-.z, SAS .A-.Z and ._, non-finite numbers,
**                             and blank strings (Stata and SAS define the
**                             blank string as missing).  A value label on a
**                             missing code does not become a level.
**   variable label            column label
**
** SPSS and SAS strings lose their trailing blanks (fixed-width padding);
** Stata strings are kept as stored.
** SAS value labels live in a separate catalog file, which is not read: SAS
** variables are plain numbers.  Text is returned as UTF-8; Stata files older
** than release 118 (Stata 14) are read as Windows-1252.  Invalid UTF-8 is an
** error.
**
** CSV and TSV files are read by onc_csv_read() (oncostat/io.h).  They are in
** onc_format so that one --format option covers every input; the functions
** below report ONC_ERR_UNSUPPORTED for them.
*/
#ifndef ONCOSTAT_STATFILE_H
#define ONCOSTAT_STATFILE_H

#include "oncostat/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum onc_format {
    ONC_FORMAT_AUTO = 0,    /* by extension, else by the file's first bytes */
    ONC_FORMAT_CSV,
    ONC_FORMAT_TSV,
    ONC_FORMAT_SAV,         /* SPSS system file */
    ONC_FORMAT_ZSAV,        /* SPSS compressed system file */
    ONC_FORMAT_POR,         /* SPSS portable file */
    ONC_FORMAT_DTA,         /* Stata, releases 104 to 119 */
    ONC_FORMAT_SAS7BDAT,    /* SAS data set */
    ONC_FORMAT_XPT          /* SAS transport file, versions 5 and 8 */
} onc_format;

/* Caps on what one file may hold; larger files fail with ONC_ERR_LIMIT. */
#define ONC_STATFILE_MAX_ROWS 500000000u
#define ONC_STATFILE_MAX_COLS 131072u
#define ONC_STATFILE_MAX_CELLS 1000000000u       /* rows x columns */
#define ONC_STATFILE_MAX_LABELS 1000000u         /* value labels in all */
#define ONC_STATFILE_MAX_TEXT_BYTES (1u << 30)   /* distinct strings and labels */

/*
** The format named by a file's extension, compared without regard to case:
** .csv .txt (delimited text, separator detected by the CSV reader), .tsv
** .tab .sav .zsav .por .dta .sas7bdat .xpt.  ONC_FORMAT_AUTO when the
** extension is none of these.
*/
onc_format onc_format_from_path(const char *path);

/*
** The format for a --format option: "csv", "tsv", "sav" (or "spss"),
** "zsav", "por", "dta" (or "stata"), "sas7bdat" (or "sas"), "xpt" (or
** "xport"), "auto"; case-insensitive.  ONC_FORMAT_AUTO for anything else,
** so a caller that needs to reject unknown names compares with "auto".
*/
onc_format onc_format_from_name(const char *name);

/* The short name of a format, as accepted by onc_format_from_name(). */
const char *onc_format_name(onc_format format);

/*
** Read the data file at `path` into a new frame (*out, owned by the caller,
** released with onc_frame_free).  ONC_FORMAT_AUTO takes the format from the
** extension, else from the file's first bytes.  The frame's `source` is
** `path`.  On failure *out is NULL and err names the file, and the row and
** column where they are known.  Errors: ONC_ERR_IO (cannot open or read),
** ONC_ERR_PARSE (malformed or undecodable file, invalid UTF-8, duplicate
** column names), ONC_ERR_LIMIT (a cap above), ONC_ERR_UNSUPPORTED (CSV/TSV,
** unknown format, unsupported compression or character set), ONC_ERR_NOMEM.
*/
onc_status onc_statfile_read(const char *path, onc_format format,
                             onc_frame **out, onc_error *err);

/*
** The same for a file held in memory: `data` (len bytes) is only read, and
** is not retained.  `name` (may be NULL) is used in error messages, as the
** frame's source, and to find the format from its extension when `format`
** is ONC_FORMAT_AUTO.
*/
onc_status onc_statfile_read_buffer(const void *data, size_t len,
                                    onc_format format, const char *name,
                                    onc_frame **out, onc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONCOSTAT_STATFILE_H */
