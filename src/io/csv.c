/*
** csv.c -- delimited text (CSV, semicolon CSV, TSV) into a typed data frame.
**
** Design.  The input is read through a window (the whole buffer for
** onc_csv_read_buffer, a reused chunk of opt->read_bytes for a regular
** file), so memory stays near the size of the resulting frame and the
** bytes being worked on stay in the cache.  Rows are scanned into a small
** block index, and every full block is converted column by column while
** its bytes are still in the cache:
**
**  - Scan.  One pass finds field boundaries (separator, quote, line feed)
**    and checks UTF-8 and NUL bytes on the way.  Each field becomes one
**    64-bit word of the block index:
**        bits 63..24  offset of the field's content in the window
**        bit  23      the content is quoted and holds "" escapes
**        bits 22..0   length of the content in bytes (< 8 MiB)
**    Quoted content is not copied; it is unescaped only when a value is
**    needed.  No allocation happens per cell.
**  - Convert.  Each column's type is inferred from every value, never a
**    sample: a set of candidate types shrinks as values arrive, and the
**    value of the leading candidate is kept as it goes.  Numbers take an
**    exact fast path (Clinger 1990: at most 19 digits, a mantissa up to
**    2^53 and a power of ten up to 22 give one correctly rounded IEEE
**    operation), so the result is bit for bit what strtod gives; other
**    spellings go to strtod itself.  Text goes into a hash table of levels,
**    sorted by bytes at the end.
**  - Replay.  A column that turns out to be text (or dates) after some rows
**    were read as numbers needs those rows again; they are re-read from the
**    start of the data in one extra pass, which only such columns pay for.
**
** Messages give 1-based data rows and physical lines.  The line of a value
** is counted from the start of the input only when a message needs it.
**
** Locale: the strtod fallback assumes LC_NUMERIC is "C" (the default
** unless the program calls setlocale).
*/
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oncostat/date.h"
#include "oncostat/io.h"
#include "core/internal.h"

/* For the few per-cell helpers the compiler would otherwise call. */
#if defined(__GNUC__)
#define CSV_HOT inline __attribute__((always_inline))
#else
#define CSV_HOT inline
#endif

/* Layout of one cell of the block index (see the file comment). */
#define CSV_LEN_MASK ((uint64_t)ONC_CSV_LIMIT_CELL_BYTES)
#define CSV_ESCAPED ((uint64_t)1 << 23)
#define CSV_OFFSET_SHIFT 24

/* What ended a field; CSV_END_MORE: the window ended first, read more. */
enum { CSV_END_FIELD, CSV_END_ROW, CSV_END_INPUT, CSV_END_MORE };

/* Candidate types of a column during inference (bit set). */
#define CSV_CAN_LOGICAL 1u
#define CSV_CAN_INTEGER 2u
#define CSV_CAN_NUMBER 4u
#define CSV_CAN_DATE 8u
#define CSV_CAN_DATE_LAYOUT 16u   /* every value has the date layout, maybe impossible */
#define CSV_CAN_ANY 31u

/* Results of the value parsers. */
enum { CSV_NUM_NO = 0, CSV_NUM_WHOLE, CSV_NUM_REAL };
enum { CSV_DATE_NO = 0, CSV_DATE_OK, CSV_DATE_IMPOSSIBLE };

/* Cells per block index (rows x columns), and the bounds on its rows:
** a block's bytes should stay in the cache while it is converted. */
#define CSV_BLOCK_CELLS ((size_t)1 << 15)
#define CSV_BLOCK_MAX_ROWS ((size_t)2048)
#define CSV_BLOCK_MIN_ROWS ((size_t)16)
/* Longest number spelling handed to strtod; longer text is not a number. */
#define CSV_NUMBER_MAX_CHARS 127

/* A distinct text value (a factor level or a header name). */
typedef struct csv_level {
    char *text;            /* owned, NUL-terminated */
    size_t len;
    uint64_t hash;
    size_t first_row;      /* 0-based row (column for header names) of its first use */
    uint64_t first_offset; /* input offset of that use */
    uint32_t id;           /* index in order of insertion */
} csv_level;

/* Open-addressing hash set of csv_level; slots hold index + 1, 0 = empty. */
typedef struct csv_strset {
    csv_level *items;
    size_t n, cap;
    uint32_t *slots;
    size_t n_slots;        /* a power of two */
} csv_strset;

/* Conversion state of one column while rows arrive. */
typedef struct csv_column_state {
    int forced;            /* the type comes from an override ... */
    onc_coltype type;      /* ... this one */
    unsigned mask;         /* inference: CSV_CAN_* candidates left */
    int text;              /* values are being collected as factor levels */
    size_t text_from;      /* rows before this one are not yet collected */
    size_t n_present;      /* non-missing values seen */
    size_t first_present;  /* row of the first of them */
    size_t date_from;      /* first row whose date is held in num */
    size_t replay_to;      /* rows [0, replay_to) are converted again on replay */
    onc_coltype replay_type;
    size_t impossible_row; /* first row with a date that does not exist */
    uint64_t impossible_offset;
    char impossible_text[80];
    double *num;           /* cap_rows values unless text */
    int32_t *code;         /* cap_rows level indices when text */
    csv_strset levels;
} csv_column_state;

typedef struct csv_token {
    const char *text;
    size_t len;
} csv_token;

typedef struct csv_reader {
    /* Input window: data[0 .. len) is input offset base .. base + len. */
    const unsigned char *data;
    size_t len;
    uint64_t base;
    int eof;                     /* nothing follows the window */
    int fd;                      /* file source, or -1 for a buffer */
    unsigned char *window;       /* the file window's storage */
    size_t window_cap;
    const unsigned char *memory; /* buffer source */

    const char *name;            /* file name for messages, or NULL */
    onc_error *err;
    const onc_csv_options *opt;

    char sep, decimal;
    csv_token *na;
    size_t n_na;
    uint64_t na_lengths[256];    /* by first byte, bit k: a token of length k
                                    (bit 63: of length 63 or more) */
    int blank_is_na;             /* is "" one of the missing tokens? */
    const char *date_format;     /* NULL = ISO */
    int iso_fallback;            /* also read ISO dates when a format is given */
    size_t max_rows, max_cols, max_cell;

    uint64_t sep_bytes;              /* the separator in every byte of a word */
    unsigned char stop_plain[256];   /* bytes that end a run in an unquoted field */
    unsigned char stop_quoted[256];  /* ... in a quoted field */

    size_t pos;                  /* scan position in the window */
    size_t line;                 /* physical line at pos, 1-based */
    size_t safe_end;             /* just past the window's last line feed */
    uint64_t input_size;         /* bytes of input, if known (0 = unknown) */
    uint64_t data_offset;        /* input offset of the first data row */
    size_t data_line;

    size_t n_cols;
    char **names;                /* n_cols header names (owned until moved) */
    csv_column_state *state;     /* n_cols */
    size_t n_rows, cap_rows;     /* rows read; capacity of num/code */
    int replaying;

    uint64_t *cells;             /* block index: n_cols x block_cap */
    size_t block_cap, block_row0;

    char *scratch;               /* max_cell + 1 bytes for unescaping */
} csv_reader;

/* ---- messages ---- */

static onc_status csv_fail(const csv_reader *rd, onc_status status, size_t row,
                           size_t line, const char *column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static onc_status csv_fail(const csv_reader *rd, onc_status status, size_t row,
                           size_t line, const char *column, const char *fmt, ...)
{
    char body[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    return onc_error_set(rd->err, status, rd->name, row, line, column, "%s", body);
}

static size_t csv_count_lines(const unsigned char *p, size_t n)
{
    const unsigned char *end = p + n;
    size_t count = 0;

    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        count++;
        p++;
    }
    return count;
}

/*
** The 1-based physical line holding input offset `offset`.  Used only for
** messages: a file is read again from its start (0 if that fails).
*/
static size_t csv_line_of(const csv_reader *rd, uint64_t offset)
{
    unsigned char *buf;
    uint64_t done = 0;
    size_t line = 1;

    if (rd->fd < 0)
        return 1 + csv_count_lines(rd->memory, (size_t)offset);
    buf = malloc(65536);
    if (buf == NULL)
        return 0;
    while (done < offset) {
        size_t want = offset - done < 65536 ? (size_t)(offset - done) : 65536;
        ssize_t got = pread(rd->fd, buf, want, (off_t)done);
        if (got <= 0) {
            line = 0;
            break;
        }
        line += csv_count_lines(buf, (size_t)got);
        done += (uint64_t)got;
    }
    free(buf);
    return line;
}

/* Copy a value for a message: at most ~60 bytes, cut on a UTF-8 boundary,
** control characters shown as blanks. */
static const char *csv_show(char *buf, size_t cap, const char *s, size_t n)
{
    size_t limit = 60, i, k = 0;
    int cut = 0;

    if (n > limit) {
        n = limit;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    for (i = 0; i < n && k + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[k++] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
    }
    if (cut && k + 4 < cap) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

/* The column name for messages about field `col` (NULL in the header). */
static const char *csv_column_name(const csv_reader *rd, size_t col)
{
    return rd->names != NULL && col < rd->n_cols ? rd->names[col] : NULL;
}

/* ---- input window ---- */

/*
** Move the window on: keep bytes [keep, len) (an unfinished row) at the
** front and fill the rest from the file, growing the window when the kept
** part fills it.  rd->pos is adjusted.  A buffer source is one window.
*/
static onc_status csv_refill(csv_reader *rd, size_t keep)
{
    size_t kept = rd->len - keep;

    if (rd->fd < 0 || rd->eof) {
        rd->eof = 1;
        return ONC_OK;
    }
    if (keep > 0)
        memmove(rd->window, rd->window + keep, kept);
    rd->base += keep;
    rd->pos -= keep;
    if (kept == rd->window_cap) {
        unsigned char *grown = onc_reallocarray(rd->window, rd->window_cap, 2);
        if (grown == NULL)
            return ONC_ERR_NOMEM;
        rd->window = grown;
        rd->window_cap *= 2;
    }
    rd->len = kept;
    while (rd->len < rd->window_cap) {
        ssize_t got = read(rd->fd, rd->window + rd->len, rd->window_cap - rd->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            char reason[128];
            if (strerror_r(errno, reason, sizeof reason) != 0)
                onc_strlcpy(reason, "unknown error", sizeof reason);
            return csv_fail(rd, ONC_ERR_IO, 0, 0, NULL, "cannot read the file: %s", reason);
        }
        if (got == 0) {
            rd->eof = 1;
            break;
        }
        rd->len += (size_t)got;
    }
    rd->data = rd->window;
    if ((uint64_t)rd->base + rd->len >= ONC_CSV_LIMIT_INPUT_BYTES)
        return csv_fail(rd, ONC_ERR_LIMIT, 0, 0, NULL,
                        "the input is larger than the reader's limit of 1 TiB");
    rd->safe_end = rd->len;
    while (rd->safe_end > 0 && rd->data[rd->safe_end - 1] != '\n')
        rd->safe_end--;
    return ONC_OK;
}

/* Position the window at input offset `offset` (line `line`). */
static onc_status csv_seek(csv_reader *rd, uint64_t offset, size_t line)
{
    rd->line = line;
    if (rd->fd < 0) {
        rd->pos = (size_t)offset;
        return ONC_OK;
    }
    if (lseek(rd->fd, (off_t)offset, SEEK_SET) == (off_t)-1)
        return csv_fail(rd, ONC_ERR_IO, 0, 0, NULL, "cannot read the file again (seek)");
    rd->base = offset;
    rd->len = rd->pos = 0;
    rd->eof = 0;
    return csv_refill(rd, 0);
}

/* ---- scanning ---- */

/*
** Word-at-a-time search for the end of an unquoted run: eight bytes are
** tested at once for the separator, a line feed, NUL or a non-ASCII byte.
** In (v - 0x01..01) & ~v & 0x80..80 the lowest set bit marks the first zero
** byte exactly (later bits may be false), so the lowest bit of the union is
** the first byte that stops the run.  Little-endian only; elsewhere the
** byte loop below does the same work.
*/
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CSV_SWAR 1
#define CSV_ONES 0x0101010101010101ull
#define CSV_HIGHS 0x8080808080808080ull

static inline uint64_t csv_zero_bytes(uint64_t v)
{
    return (v - CSV_ONES) & ~v & CSV_HIGHS;
}

/* The high bit of every zero byte of v, exactly (no carry crosses bytes). */
static inline uint64_t csv_exact_zero_bytes(uint64_t v)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;

    return ~(((v & low7) + low7) | v | low7);
}
#endif

/*
** Position of the first byte at or after pos in u[0 .. len) that ends an
** unquoted run (stop[] says which; sep_bytes is the separator in every
** byte of a word).  There must be one: the caller checks that a line feed
** follows.  Arguments rather than the reader, so that the compiler can
** keep them in registers while cells are stored.
*/
static inline size_t csv_run_end(const unsigned char *u, size_t len, size_t pos,
                                 uint64_t sep_bytes, const unsigned char *stop)
{
#ifdef CSV_SWAR
    const uint64_t nl = CSV_ONES * '\n';

    while (pos + 8 <= len) {
        uint64_t w, hit;

        memcpy(&w, u + pos, 8);
        /* ((w - 1s) | w) & highs flags NUL and non-ASCII bytes alike, and
        ** is exact up to the first of them, as csv_zero_bytes. */
        hit = csv_zero_bytes(w ^ sep_bytes) | csv_zero_bytes(w ^ nl) |
              (((w - CSV_ONES) | w) & CSV_HIGHS);
        if (hit != 0)
            return pos + ((size_t)__builtin_ctzll(hit) >> 3);
        pos += 8;
    }
#else
    (void)len;
    (void)sep_bytes;
#endif
    while (!stop[u[pos]])
        pos++;
    return pos;
}

/*
** Scan a whole row of plain fields -- no quote, NUL or non-ASCII byte --
** eight bytes at a time, storing each field's cell at slot, slot + stride,
** ...  Returns the position just past the row's line feed, or 0 when the
** row is not that simple (a quote or special byte, a wrong number of
** fields, a field over the cap, or no line feed in reach): the caller then
** reads it field by field, which also finds and reports any problem.
*/
#ifdef CSV_SWAR
static inline size_t csv_plain_row(const unsigned char *u, size_t pos, size_t len,
                                   uint64_t sep_bytes, uint64_t *slot, size_t stride,
                                   size_t n_cols, size_t max_cell)
{
    const uint64_t nl_bytes = CSV_ONES * '\n', quote_bytes = CSV_ONES * '"';
    size_t p, start = pos, col = 0;

    for (p = pos; p + 8 <= len; p += 8) {
        uint64_t w, bounds, special, nl;

        /* Separators must be found exactly, since every one is used; for
        ** line feeds and special bytes only the first matters (nothing
        ** after the row's line feed is looked at), so the cheaper test
        ** whose lowest bit is exact will do. */
        memcpy(&w, u + p, 8);
        nl = csv_zero_bytes(w ^ nl_bytes);
        bounds = csv_exact_zero_bytes(w ^ sep_bytes) | nl;
        special = csv_zero_bytes(w ^ quote_bytes) | (((w - CSV_ONES) | w) & CSV_HIGHS);
        if (special != 0 && (nl == 0 || __builtin_ctzll(special) < __builtin_ctzll(nl)))
            return 0;
        for (; bounds != 0; bounds &= bounds - 1) {
            size_t at = p + ((size_t)__builtin_ctzll(bounds) >> 3), stop = at;
            int row_end = u[at] == '\n';

            if (row_end && stop > start && u[stop - 1] == '\r')
                stop--;
            if (stop - start > max_cell)
                return 0;
            *slot = ((uint64_t)start << CSV_OFFSET_SHIFT) | (uint64_t)(stop - start);
            if (row_end)
                return col + 1 == n_cols ? at + 1 : 0;
            if (++col == n_cols)
                return 0;
            slot += stride;
            start = at + 1;
        }
    }
    return 0;
}
#endif

/* Length (2-4) of the UTF-8 sequence a lead byte announces, 0 if none. */
static size_t csv_utf8_expected(unsigned char c)
{
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

/* Is the n-byte sequence at p valid UTF-8?  Overlong forms, surrogates and
** code points above U+10FFFF are refused. */
static int csv_utf8_valid(const unsigned char *p, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t i;

    if (p[0] == 0xE0)
        lo = 0xA0;
    else if (p[0] == 0xED)
        hi = 0x9F;
    else if (p[0] == 0xF0)
        lo = 0x90;
    else if (p[0] == 0xF4)
        hi = 0x8F;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return 1;
}

/*
** A byte at `pos` stopped a run and is not a delimiter: NUL or non-ASCII.
** Sets *step to the bytes to skip, or to 0 when the window ends inside a
** UTF-8 sequence and more input follows.
*/
static onc_status csv_check_byte(const csv_reader *rd, size_t row, size_t col,
                                 size_t pos, size_t line, size_t *step)
{
    const unsigned char *p = rd->data + pos;
    size_t n = csv_utf8_expected(*p);

    if (*p == 0)
        return csv_fail(rd, ONC_ERR_PARSE, row, line, csv_column_name(rd, col),
                        "NUL byte at byte offset %llu (is this a text file? "
                        "UTF-16 files must be converted to UTF-8)",
                        (unsigned long long)(rd->base + pos));
    if (n > 0 && rd->len - pos < n && !rd->eof) {
        *step = 0;
        return ONC_OK;
    }
    if (n == 0 || rd->len - pos < n || !csv_utf8_valid(p, n))
        return csv_fail(rd, ONC_ERR_PARSE, row, line, csv_column_name(rd, col),
                        "invalid UTF-8 at byte offset %llu (byte 0x%02X); "
                        "convert the file to UTF-8",
                        (unsigned long long)(rd->base + pos), (unsigned)*p);
    *step = n;
    return ONC_OK;
}

/* (The message does not give the field's size: a field still being read
** is refused as soon as it passes the cap.) */
static onc_status csv_too_long(const csv_reader *rd, size_t row, size_t col, size_t line)
{
    return csv_fail(rd, ONC_ERR_LIMIT, row, line, csv_column_name(rd, col),
                    "field is longer than the cap of %zu bytes", rd->max_cell);
}

/*
** Read the field at rd->pos.  `row` (0 for the header) and `col` are used
** in messages.  On success *cell is the packed index word, *end says what
** ended the field and rd->pos/rd->line are past it; with *end ==
** CSV_END_MORE the window ended first and nothing was consumed.
**
** A field is refused as soon as the bytes seen exceed the cap: the length
** is checked wherever a run of ordinary bytes stops (and at the end of the
** window), before anything else is looked at, so the same input gives the
** same error whatever the window size.
*/
static onc_status csv_field(csv_reader *rd, size_t row, size_t col,
                            uint64_t *cell, int *end)
{
    const unsigned char *u = rd->data;
    const size_t len = rd->len, cap = rd->max_cell;
    size_t pos = rd->pos, line = rd->line, start, stop, step = 0, start_line = line;
    uint64_t escaped = 0;
    onc_status rc;

    if (pos < len && u[pos] == '"') {
        start = ++pos;
        for (;;) {
            while (pos < len && !rd->stop_quoted[u[pos]])
                pos++;
            if (pos - start > cap)
                return csv_too_long(rd, row, col, start_line);
            if (pos == len) {
                if (!rd->eof)
                    goto more;
                return csv_fail(rd, ONC_ERR_PARSE, row, start_line, csv_column_name(rd, col),
                                "unterminated quoted field: the quote opened on line %zu "
                                "is never closed", start_line);
            }
            if (u[pos] == '"') {
                if (pos + 1 == len && !rd->eof)
                    goto more;
                if (pos + 1 < len && u[pos + 1] == '"') {
                    escaped = CSV_ESCAPED;
                    pos += 2;
                    continue;
                }
                break;
            }
            if (u[pos] == '\n') {
                line++;
                pos++;
                continue;
            }
            rc = csv_check_byte(rd, row, col, pos, line, &step);
            if (rc != ONC_OK)
                return rc;
            if (step == 0)
                goto more;
            pos += step;
        }
        stop = pos++;
        if (pos == len) {
            if (!rd->eof)
                goto more;
            *end = CSV_END_INPUT;
        } else if (u[pos] == (unsigned char)rd->sep) {
            *end = CSV_END_FIELD;
            pos++;
        } else if (u[pos] == '\n') {
            *end = CSV_END_ROW;
            line++;
            pos++;
        } else if (u[pos] == '\r' && pos + 1 == len && !rd->eof) {
            goto more;
        } else if (u[pos] == '\r' && pos + 1 == len) {
            *end = CSV_END_INPUT;
            pos++;
        } else if (u[pos] == '\r' && u[pos + 1] == '\n') {
            *end = CSV_END_ROW;
            line++;
            pos += 2;
        } else {
            unsigned char c = u[pos];
            char shown[8];

            if (c >= 0x20 && c < 0x7F)
                snprintf(shown, sizeof shown, "'%c'", (char)c);
            else
                snprintf(shown, sizeof shown, "0x%02X", (unsigned)c);
            return csv_fail(rd, ONC_ERR_PARSE, row, line, csv_column_name(rd, col),
                            "unexpected character %s after the closing quote of a field "
                            "(a quote inside a quoted field must be doubled: \"\")", shown);
        }
    } else {
        start = pos;
        for (;;) {
            while (pos < len && !rd->stop_plain[u[pos]])
                pos++;
            if (pos == len || u[pos] == '\n') {
                /* A CR before the line feed belongs to the line ending (CRLF),
                ** and one at the end of the window may yet be followed by one. */
                stop = pos > start && u[pos - 1] == '\r' ? pos - 1 : pos;
                if (stop - start > cap)
                    return csv_too_long(rd, row, col, start_line);
                if (pos == len && !rd->eof)
                    goto more;
                *end = pos == len ? CSV_END_INPUT : CSV_END_ROW;
                if (pos < len) {
                    line++;
                    pos++;
                }
                break;
            }
            if (pos - start > cap)
                return csv_too_long(rd, row, col, start_line);
            if (u[pos] == (unsigned char)rd->sep) {
                *end = CSV_END_FIELD;
                stop = pos++;
                break;
            }
            rc = csv_check_byte(rd, row, col, pos, line, &step);
            if (rc != ONC_OK)
                return rc;
            if (step == 0)
                goto more;
            pos += step;
        }
    }
    rd->pos = pos;
    rd->line = line;
    *cell = ((uint64_t)start << CSV_OFFSET_SHIFT) | escaped | (uint64_t)(stop - start);
    return ONC_OK;
more:
    *end = CSV_END_MORE;
    return ONC_OK;
}

/*
** Skip empty lines (LF, CRLF, or a final CR) at rd->pos, as R does.
** Returns 1 when the window ends in a CR whose meaning needs the next byte.
*/
static int csv_skip_blank_lines(csv_reader *rd)
{
    const unsigned char *u = rd->data;

    while (rd->pos < rd->len) {
        if (u[rd->pos] == '\n') {
            rd->pos++;
            rd->line++;
        } else if (u[rd->pos] == '\r' && rd->pos + 1 == rd->len) {
            if (!rd->eof)
                return 1;
            rd->pos++;
        } else if (u[rd->pos] == '\r' && u[rd->pos + 1] == '\n') {
            rd->pos += 2;
            rd->line++;
        } else {
            break;
        }
    }
    return 0;
}

/*
** Choose the separator from the header line: the most frequent of ',', ';'
** and tab outside quotes; ties go to ',' then ';'; none at all means one
** column, read as comma-separated.  Returns 0 if the window ends before
** the header line does.
*/
static char csv_detect_separator(const csv_reader *rd)
{
    size_t count[3] = {0, 0, 0}, p;
    int in_quotes = 0;

    for (p = rd->pos; p < rd->len; p++) {
        unsigned char c = rd->data[p];
        if (c == '"')
            in_quotes = !in_quotes;
        else if (in_quotes)
            continue;
        else if (c == '\n')
            break;
        else if (c == ',')
            count[0]++;
        else if (c == ';')
            count[1]++;
        else if (c == '\t')
            count[2]++;
    }
    if (p == rd->len && !rd->eof)
        return 0;
    if (count[1] > count[0] && count[1] >= count[2])
        return ';';
    if (count[2] > count[0] && count[2] > count[1])
        return '\t';
    return ',';
}

static void csv_build_tables(csv_reader *rd)
{
    int c;

    memset(rd->stop_plain, 0, sizeof rd->stop_plain);
    memset(rd->stop_quoted, 0, sizeof rd->stop_quoted);
    for (c = 0x80; c < 0x100; c++) {
        rd->stop_plain[c] = 1;
        rd->stop_quoted[c] = 1;
    }
    rd->stop_plain[0] = rd->stop_quoted[0] = 1;
    rd->stop_plain['\n'] = rd->stop_quoted['\n'] = 1;
    rd->stop_plain[(unsigned char)rd->sep] = 1;
    rd->stop_quoted['"'] = 1;
    rd->sep_bytes = 0x0101010101010101ull * (unsigned char)rd->sep;
}

/* ---- text values ---- */

/* Collapse the "" escapes of a quoted field's content into dst. */
static size_t csv_unescape(const char *src, size_t n, char *dst)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        dst[k++] = src[i];
        if (src[i] == '"')
            i++;   /* the scanner guarantees quotes come in pairs */
    }
    return k;
}

/* The text of a cell (unescaped), valid until the next call. */
static inline void csv_cell_text(const csv_reader *rd, uint64_t cell, const char **s,
                                 size_t *n)
{
    const char *p = (const char *)rd->data + (cell >> CSV_OFFSET_SHIFT);
    size_t len = (size_t)(cell & CSV_LEN_MASK);

    if (cell & CSV_ESCAPED) {
        *s = rd->scratch;
        *n = csv_unescape(p, len, rd->scratch);
    } else {
        *s = p;
        *n = len;
    }
}

static inline void csv_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;

    /* Most values have no blank at either end: one test for both. */
    if (len == 0 || ((unsigned char)p[0] > ' ' && (unsigned char)p[len - 1] > ' '))
        return;
    while (len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    *s = p;
    *n = len;
}

/* Is the (trimmed, non-empty) value one of the missing-value tokens?  The
** lengths of the tokens starting with its first byte rule out most values
** without comparing text. */
static inline int csv_is_na(const csv_reader *rd, const char *s, size_t n)
{
    size_t k;

    if (!((rd->na_lengths[(unsigned char)s[0]] >> (n < 63 ? n : 63)) & 1u))
        return 0;
    for (k = 0; k < rd->n_na; k++)
        if (rd->na[k].len == n && memcmp(rd->na[k].text, s, n) == 0)
            return 1;
    return 0;
}

/* TRUE/FALSE/true/false/T/F, the spellings R's type.convert accepts. */
static int csv_parse_logical(const char *s, size_t n, double *out)
{
    if ((n == 1 && s[0] == 'T') ||
        (n == 4 && (memcmp(s, "TRUE", 4) == 0 || memcmp(s, "true", 4) == 0))) {
        *out = 1.0;
        return 1;
    }
    if ((n == 1 && s[0] == 'F') ||
        (n == 5 && (memcmp(s, "FALSE", 5) == 0 || memcmp(s, "false", 5) == 0))) {
        *out = 0.0;
        return 1;
    }
    return 0;
}

/* The spellings the fast path leaves to strtod (kept out of line so the
** common path carries no large stack buffer). */
static int csv_parse_number_strtod(const char *s, size_t n, char decimal, double *out)
{
    char buf[CSV_NUMBER_MAX_CHARS + 1];
    char *endp, *mark;
    double v;

    if (n > CSV_NUMBER_MAX_CHARS)
        return CSV_NUM_NO;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (decimal != '.' && (mark = memchr(buf, decimal, n)) != NULL)
        *mark = '.';
    errno = 0;
    v = strtod(buf, &endp);
    if (endp != buf + n || !isfinite(v))
        return CSV_NUM_NO;
    *out = v;
    return CSV_NUM_REAL;
}

/*
** Parse a complete decimal number: optional sign, digits with at most one
** decimal mark, optional exponent (e/E, optional sign, digits).  Returns
** CSV_NUM_WHOLE for an integer spelling (no mark, no exponent) below 2^53,
** CSV_NUM_REAL for any other finite number, CSV_NUM_NO otherwise (also for
** "inf", "nan" and hexadecimal, which strtod would take).  The value equals
** strtod's on the same spelling (with '.' as the mark), bit for bit.
*/
static CSV_HOT int csv_parse_number(const char *s, size_t n, char decimal, double *out)
{
    static const double pow10[23] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    const uint64_t two53 = (uint64_t)1 << 53;
    uint64_t mant = 0;
    size_t i = 0, digits = 0, frac = 0;
    int neg = 0, has_mark = 0, has_exp = 0;
    long exp10, e = 0;
    double v;

    if (n == 0)
        return CSV_NUM_NO;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i++;
    }
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            break;
        mant = mant * 10 + d;   /* wraps past 19 digits; then unused */
        digits++;
    }
    if (i < n && s[i] == decimal) {
        has_mark = 1;
        for (i++; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9)
                break;
            mant = mant * 10 + d;
            digits++;
            frac++;
        }
    }
    if (digits == 0)
        return CSV_NUM_NO;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t e0;

        has_exp = 1;
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) {
            eneg = s[i] == '-';
            i++;
        }
        for (e0 = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        if (i == e0)
            return CSV_NUM_NO;
        if (eneg)
            e = -e;
    }
    if (i != n)
        return CSV_NUM_NO;
    if (digits > 19)
        return csv_parse_number_strtod(s, n, decimal, out);

    if (!has_mark && !has_exp && mant < two53) {
        *out = neg ? -(double)mant : (double)mant;
        return CSV_NUM_WHOLE;
    }
    exp10 = e - (long)frac;
    if (mant == 0) {
        *out = neg ? -0.0 : 0.0;
        return CSV_NUM_REAL;
    }
    if (mant <= two53 && exp10 >= -22 && exp10 <= 22) {
        v = exp10 >= 0 ? (double)mant * pow10[exp10] : (double)mant / pow10[-exp10];
        *out = neg ? -v : v;
        return CSV_NUM_REAL;
    }
    /* Too many digits or too large a power of ten for one exact operation:
    ** the spelling is valid (checked above), so only rounding is left. */
    return csv_parse_number_strtod(s, n, decimal, out);
}

/* A date in the reader's format (or ISO, see iso_fallback). */
static int csv_parse_date(const csv_reader *rd, const char *s, size_t n, double *out)
{
    int y, m, d;

    if (onc_date_parse(s, n, rd->date_format, out) == ONC_OK ||
        (rd->iso_fallback && onc_date_parse(s, n, NULL, out) == ONC_OK))
        return CSV_DATE_OK;
    /* Not a date: tell an impossible day from text of another shape. */
    if (onc_date_scan(s, n, rd->date_format, &y, &m, &d) == ONC_OK ||
        (rd->iso_fallback && onc_date_scan(s, n, NULL, &y, &m, &d) == ONC_OK))
        return CSV_DATE_IMPOSSIBLE;
    return CSV_DATE_NO;
}

/* ---- hash set of distinct text values ---- */

static inline uint64_t csv_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)n, w;

    while (n >= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    if (n > 0) {
        for (w = 0; n > 0; n--)
            w = (w << 8) | (unsigned char)s[n - 1];
        h = (h ^ w) * 0x94D049BB133111EBu;
        h ^= h >> 29;
    }
    h = (h ^ (h >> 32)) * 0xD6E8FEB86659FD93u;
    return h ^ (h >> 32);
}

static inline int csv_same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;

    for (; n >= 8; a += 8, b += 8, n -= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return 0;
    }
    for (; n > 0; a++, b++, n--)
        if (*a != *b)
            return 0;
    return 1;
}

static void csv_strset_free(csv_strset *set)
{
    size_t k;

    for (k = 0; k < set->n; k++)
        free(set->items[k].text);
    free(set->items);
    free(set->slots);
    memset(set, 0, sizeof *set);
}

static onc_status csv_strset_rehash(csv_strset *set, size_t n_slots)
{
    uint32_t *slots = onc_callocarray(n_slots, sizeof *slots);
    size_t k;

    if (slots == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < set->n; k++) {
        size_t at = (size_t)set->items[k].hash & (n_slots - 1);
        while (slots[at] != 0)
            at = (at + 1) & (n_slots - 1);
        slots[at] = (uint32_t)(k + 1);
    }
    free(set->slots);
    set->slots = slots;
    set->n_slots = n_slots;
    return ONC_OK;
}

/* Add s[0..n) (hash h, not in the set) as a new value. */
static onc_status csv_strset_insert(csv_strset *set, const char *s, size_t n, uint64_t h,
                                    size_t row, uint64_t offset, uint32_t *index)
{
    csv_level *it;
    size_t at;

    if (set->n >= (size_t)INT32_MAX)
        return ONC_ERR_LIMIT;
    if (set->n_slots == 0 || (set->n + 1) * 2 > set->n_slots) {
        onc_status rc = csv_strset_rehash(set, set->n_slots ? set->n_slots * 2 : 64);
        if (rc != ONC_OK)
            return rc;
    }
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        csv_level *grown = onc_reallocarray(set->items, cap, sizeof *grown);
        if (grown == NULL)
            return ONC_ERR_NOMEM;
        set->items = grown;
        set->cap = cap;
    }
    at = (size_t)h & (set->n_slots - 1);
    while (set->slots[at] != 0)
        at = (at + 1) & (set->n_slots - 1);
    it = &set->items[set->n];
    it->text = onc_strndup(s, n);
    if (it->text == NULL)
        return ONC_ERR_NOMEM;
    it->len = n;
    it->hash = h;
    it->first_row = row;
    it->first_offset = offset;
    it->id = (uint32_t)set->n;
    set->slots[at] = (uint32_t)(set->n + 1);
    *index = (uint32_t)set->n;
    set->n++;
    return ONC_OK;
}

/*
** Index of the value s[0..n) in the set, adding a copy if it is new (*added
** says which).  `row`/`offset` locate this use; the earliest use is kept.
** At most INT32_MAX distinct values (factor codes are int32_t):
** ONC_ERR_LIMIT beyond.  The lookup is inline: it is the common case.
*/
static CSV_HOT onc_status csv_strset_add(csv_strset *set, const char *s, size_t n,
                                         size_t row, uint64_t offset, uint32_t *index,
                                         int *added)
{
    uint64_t h = csv_hash(s, n);
    size_t at, mask = set->n_slots - 1;

    *added = 0;
    if (set->n_slots > 0) {
        for (at = (size_t)h & mask; set->slots[at] != 0; at = (at + 1) & mask) {
            csv_level *it = &set->items[set->slots[at] - 1];
            if (it->hash == h && it->len == n && csv_same_bytes(it->text, s, n)) {
                if (row < it->first_row) {
                    it->first_row = row;
                    it->first_offset = offset;
                }
                *index = set->slots[at] - 1;
                return ONC_OK;
            }
        }
    }
    *added = 1;
    return csv_strset_insert(set, s, n, h, row, offset, index);
}

/* Byte order, as strcmp in the C locale; a proper prefix sorts first. */
static int csv_level_compare(const void *a, const void *b)
{
    const csv_level *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);

    if (c != 0)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* ---- converting values, one block of rows at a time ---- */

/* The index words of column col in the current block: row r (absolute) is
** at [r - rd->block_row0]. */
static inline const uint64_t *csv_block_column(const csv_reader *rd, size_t col)
{
    return rd->cells + col * rd->block_cap;
}

static inline uint64_t csv_cell(const csv_reader *rd, size_t col, size_t r)
{
    return csv_block_column(rd, col)[r - rd->block_row0];
}

static uint64_t csv_cell_offset(const csv_reader *rd, uint64_t cell)
{
    return rd->base + (cell >> CSV_OFFSET_SHIFT);
}

static onc_status csv_value_error(const csv_reader *rd, size_t col, size_t row,
                                  const char *expected, const char *s, size_t n)
{
    char shown[80];

    return csv_fail(rd, ONC_ERR_DATA, row + 1,
                    csv_line_of(rd, csv_cell_offset(rd, csv_cell(rd, col, row))),
                    rd->names[col], "expected %s, found '%s'", expected,
                    csv_show(shown, sizeof shown, s, n));
}

static onc_status csv_impossible_date(const csv_reader *rd, size_t col, size_t row,
                                      uint64_t offset, const char *shown)
{
    return csv_fail(rd, ONC_ERR_DATA, row + 1, csv_line_of(rd, offset), rd->names[col],
                    "invalid date '%s': no such day in the calendar", shown);
}

/* The trimmed text of a cell and whether it is missing.  A blank value is
** missing in every non-text column, as in R. */
static inline int csv_value(const csv_reader *rd, uint64_t cell, const char **s, size_t *n)
{
    csv_cell_text(rd, cell, s, n);
    csv_trim(s, n);
    return *n == 0 || csv_is_na(rd, *s, *n);
}

/*
** Convert rows [r0, r1) of column `col` to `type` (NUMBER, INTEGER, DATE or
** LOGICAL) into num.  A value that does not fit is an error naming it.
*/
static onc_status csv_convert_numeric(const csv_reader *rd, size_t col, onc_coltype type,
                                      size_t r0, size_t r1, double *num)
{
    const uint64_t *cells = csv_block_column(rd, col);
    const size_t row0 = rd->block_row0;
    char expected[96];
    size_t r;

    if (type == ONC_COL_DATE)
        snprintf(expected, sizeof expected, "a date (%s)",
                 rd->date_format ? rd->date_format : "YYYY-MM-DD");
    for (r = r0; r < r1; r++) {
        const char *s;
        size_t n;
        double v = NAN;
        int k;

        if (csv_value(rd, cells[r - row0], &s, &n)) {
            num[r] = NAN;
            continue;
        }
        switch (type) {
        case ONC_COL_LOGICAL:
            /* A forced logical also takes 0/1, the usual coding of events. */
            if (!csv_parse_logical(s, n, &v)) {
                if (n == 1 && (s[0] == '0' || s[0] == '1'))
                    v = s[0] == '1';
                else
                    return csv_value_error(rd, col, r,
                                           "a logical (TRUE/FALSE, T/F, true/false or 0/1)",
                                           s, n);
            }
            break;
        case ONC_COL_INTEGER:
            k = csv_parse_number(s, n, rd->decimal, &v);
            if (k == CSV_NUM_NO || v != floor(v) || fabs(v) >= 9007199254740992.0)
                return csv_value_error(rd, col, r, "an integer", s, n);
            v += 0.0;   /* "-0" is the integer 0 */
            break;
        case ONC_COL_NUMBER:
            if (csv_parse_number(s, n, rd->decimal, &v) == CSV_NUM_NO)
                return csv_value_error(rd, col, r, "a number", s, n);
            break;
        case ONC_COL_DATE:
            k = csv_parse_date(rd, s, n, &v);
            if (k == CSV_DATE_IMPOSSIBLE) {
                char shown[80];
                return csv_impossible_date(rd, col, r,
                                           csv_cell_offset(rd, csv_cell(rd, col, r)),
                                           csv_show(shown, sizeof shown, s, n));
            }
            if (k == CSV_DATE_NO)
                return csv_value_error(rd, col, r, expected, s, n);
            break;
        case ONC_COL_FACTOR:
            break;
        }
        num[r] = v;
    }
    return ONC_OK;
}

/* Collect rows [r0, r1) of a text column as level indices (in order of
** first appearance; sorted when the column is finished). */
static onc_status csv_text_rows(csv_reader *rd, size_t col, size_t r0, size_t r1)
{
    csv_column_state *st = &rd->state[col];
    const uint64_t *cells = csv_block_column(rd, col);
    const size_t row0 = rd->block_row0;
    size_t r;
    onc_status rc;

    for (r = r0; r < r1; r++) {
        uint64_t cell = cells[r - row0];
        const char *s, *t;
        size_t n, tn;
        uint32_t index;
        int added;

        csv_cell_text(rd, cell, &s, &n);
        t = s;
        tn = n;
        csv_trim(&t, &tn);
        if (tn == 0 ? rd->blank_is_na : csv_is_na(rd, t, tn)) {
            st->code[r] = -1;
            continue;
        }
        /* Text keeps its exact bytes, blanks included, as R's read.csv. */
        rc = csv_strset_add(&st->levels, s, n, r, csv_cell_offset(rd, cell), &index, &added);
        if (rc == ONC_ERR_LIMIT)
            return csv_fail(rd, ONC_ERR_LIMIT, r + 1, 0, rd->names[col],
                            "more than %ld distinct values", (long)INT32_MAX);
        if (rc != ONC_OK)
            return rc;
        st->code[r] = (int32_t)index;
    }
    return ONC_OK;
}

/* From row r on, column `col` is text: values become factor levels. */
static onc_status csv_switch_to_text(csv_reader *rd, size_t col, size_t r)
{
    csv_column_state *st = &rd->state[col];

    st->code = onc_mallocarray(rd->cap_rows, sizeof *st->code);
    if (st->code == NULL)
        return ONC_ERR_NOMEM;
    free(st->num);
    st->num = NULL;
    st->text = 1;
    st->text_from = r;
    return ONC_OK;
}

/*
** Inference over rows [r0, r1) of column `col` (see io.h for the rules).
** Every value is classified and the value of the leading candidate is kept
** in num: the number while a numeric type is possible, else the date, else
** the logical.  Candidates only ever drop out, so when the winner took the
** lead at row `from`, only rows before `from` need converting again.
** When nothing but text is left, the column switches to collecting levels.
*/
static onc_status csv_infer_rows(csv_reader *rd, size_t col, size_t r0, size_t r1)
{
    csv_column_state *st = &rd->state[col];
    const uint64_t *cells = csv_block_column(rd, col);
    const size_t row0 = rd->block_row0;
    double *num = st->num;
    unsigned mask = st->mask;
    size_t r, present = 0;
    onc_status rc;

    for (r = r0; r < r1; r++) {
        uint64_t cell = cells[r - row0];
        const char *s;
        size_t n;
        double v = NAN, held = NAN;
        int k;

        if (csv_value(rd, cell, &s, &n)) {
            num[r] = NAN;
            continue;
        }
        if (present++ == 0 && st->n_present == 0)
            st->first_present = r;
        if (mask & (CSV_CAN_INTEGER | CSV_CAN_NUMBER)) {
            k = csv_parse_number(s, n, rd->decimal, &v);
            if (k != CSV_NUM_NO) {
                if (k == CSV_NUM_REAL)
                    mask &= ~CSV_CAN_INTEGER;
                mask &= ~CSV_CAN_LOGICAL;   /* a number is never TRUE/FALSE */
                num[r] = v;
                if (!(mask & CSV_CAN_DATE_LAYOUT))
                    continue;
            } else {
                mask &= ~(CSV_CAN_INTEGER | CSV_CAN_NUMBER);
            }
        }
        if (mask & CSV_CAN_DATE_LAYOUT) {
            k = csv_parse_date(rd, s, n, &v);
            if (k == CSV_DATE_NO) {
                mask &= ~(CSV_CAN_DATE | CSV_CAN_DATE_LAYOUT);
            } else if (k == CSV_DATE_IMPOSSIBLE) {
                if (mask & CSV_CAN_DATE) {
                    st->impossible_row = r;
                    st->impossible_offset = csv_cell_offset(rd, cell);
                    csv_show(st->impossible_text, sizeof st->impossible_text, s, n);
                }
                mask &= ~CSV_CAN_DATE;
            } else if ((mask & CSV_CAN_DATE) && !(mask & (CSV_CAN_INTEGER | CSV_CAN_NUMBER))) {
                if (st->date_from == SIZE_MAX)
                    st->date_from = r;
                held = v;
            }
        }
        if (mask & CSV_CAN_LOGICAL) {
            if (!csv_parse_logical(s, n, &v)) {
                mask &= ~CSV_CAN_LOGICAL;
            } else if (!(mask & (CSV_CAN_INTEGER | CSV_CAN_NUMBER | CSV_CAN_DATE_LAYOUT))) {
                held = v;
            }
        }
        if (mask == 0) {
            st->mask = 0;
            st->n_present += present;
            rc = csv_switch_to_text(rd, col, r);
            if (rc != ONC_OK)
                return rc;
            return csv_text_rows(rd, col, r, r1);
        }
        if (!(mask & (CSV_CAN_INTEGER | CSV_CAN_NUMBER)))
            num[r] = held;
    }
    st->mask = mask;
    st->n_present += present;
    return ONC_OK;
}

/*
** Convert the rows of the current block, while they are still in cache.
** When values do not fit, the error reported is the one in the earliest
** row (then the leftmost column), so that it does not depend on where
** blocks happen to begin and end.
*/
static onc_status csv_convert_block(csv_reader *rd)
{
    const size_t r0 = rd->block_row0, r1 = rd->n_rows;
    onc_error *caller = rd->err, mine, first;
    onc_status rc = ONC_OK, first_rc = ONC_OK;
    size_t col;

    for (col = 0; col < rd->n_cols && r1 > r0; col++) {
        csv_column_state *st = &rd->state[col];
        size_t end = st->replay_to < r1 ? st->replay_to : r1;

        if (rd->replaying && r0 >= end)
            continue;
        /* Messages go to `mine` until it is known which one comes first. */
        onc_error_clear(&mine);
        rd->err = &mine;
        if (rd->replaying) {
            if (st->text)
                rc = csv_text_rows(rd, col, r0, end);
            else
                rc = csv_convert_numeric(rd, col, st->replay_type, r0, end, st->num);
        } else if (st->text) {
            rc = csv_text_rows(rd, col, r0, r1);
        } else if (st->forced) {
            rc = csv_convert_numeric(rd, col, st->type, r0, r1, st->num);
        } else {
            rc = csv_infer_rows(rd, col, r0, r1);
        }
        rd->err = caller;
        if (rc == ONC_OK)
            continue;
        if (mine.row == 0) {
            /* Not about a value (out of memory): stop at once. */
            if (caller != NULL)
                *caller = mine;
            return rc;
        }
        if (first_rc == ONC_OK || mine.row < first.row) {
            first = mine;
            first_rc = rc;
        }
    }
    if (first_rc != ONC_OK) {
        if (caller != NULL)
            *caller = first;
        return first_rc;
    }
    rd->block_row0 = r1;
    return ONC_OK;
}

/* ---- header and rows ---- */

/* Convert what the block holds, then move the window on from `keep`. */
static onc_status csv_next_window(csv_reader *rd, size_t keep)
{
    onc_status rc = csv_convert_block(rd);

    return rc != ONC_OK ? rc : csv_refill(rd, keep);
}

static onc_status csv_read_header(csv_reader *rd)
{
    csv_strset names = {0};
    size_t col, header_line, header_start;
    uint64_t cell;
    int end, added;
    onc_status rc = ONC_OK;

    /* The byte order mark belongs to the encoding, not to the first name. */
    while (rd->len < 3 && !rd->eof)
        if ((rc = csv_refill(rd, 0)) != ONC_OK)
            return rc;
    if (rd->len >= 3 && memcmp(rd->data, "\xEF\xBB\xBF", 3) == 0)
        rd->pos = 3;
    for (;;) {
        char sep = rd->sep;

        if (csv_skip_blank_lines(rd) || (rd->pos == rd->len && !rd->eof)) {
            if ((rc = csv_refill(rd, rd->pos)) != ONC_OK)
                return rc;
            continue;
        }
        if (rd->pos == rd->len)
            return csv_fail(rd, ONC_ERR_PARSE, 0, 0, NULL,
                            "empty file: a header row naming the columns is required");
        if (sep == 0 && (sep = csv_detect_separator(rd)) == 0) {
            if ((rc = csv_refill(rd, rd->pos)) != ONC_OK)
                return rc;
            continue;
        }
        if (sep == rd->decimal)
            return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL,
                            "the decimal mark '%c' cannot also be the field separator; "
                            "files with a decimal comma are separated by ';' or tabs",
                            rd->decimal);
        rd->sep = sep;
        csv_build_tables(rd);
        header_line = rd->line;
        header_start = rd->pos;

        end = CSV_END_FIELD;
        for (col = 0; end == CSV_END_FIELD; col++) {
            const char *text;
            size_t n;
            uint32_t index;

            if (col == rd->max_cols) {
                rc = csv_fail(rd, ONC_ERR_LIMIT, 0, header_line, NULL,
                              "the header has more than %zu columns (the cap)", rd->max_cols);
                goto cleanup;
            }
            rc = csv_field(rd, 0, col, &cell, &end);
            if (rc != ONC_OK)
                goto cleanup;
            if (end == CSV_END_MORE)
                break;
            csv_cell_text(rd, cell, &text, &n);
            if (n == 0) {
                rc = csv_fail(rd, ONC_ERR_PARSE, 0, header_line, NULL,
                              "column %zu of the header has an empty name", col + 1);
                goto cleanup;
            }
            if (memchr(text, '\r', n) != NULL) {
                rc = csv_fail(rd, ONC_ERR_PARSE, 0, header_line, NULL,
                              "column %zu of the header contains a carriage return: lines "
                              "seem to end in CR only (classic Mac OS); convert them to LF "
                              "or CRLF", col + 1);
                goto cleanup;
            }
            rc = csv_strset_add(&names, text, n, col, 0, &index, &added);
            if (rc != ONC_OK)
                goto cleanup;
            if (!added) {
                char shown[80];
                rc = csv_fail(rd, ONC_ERR_PARSE, 0, header_line, NULL,
                              "column %zu of the header repeats the name '%s' of column %zu",
                              col + 1, csv_show(shown, sizeof shown, text, n),
                              names.items[index].first_row + 1);
                goto cleanup;
            }
        }
        if (end != CSV_END_MORE)
            break;
        /* The header does not fit in the window yet: read on and start over. */
        csv_strset_free(&names);
        rd->pos = header_start;
        rd->line = header_line;
        if ((rc = csv_refill(rd, rd->pos)) != ONC_OK)
            return rc;
    }

    rd->n_cols = names.n;
    rd->names = onc_callocarray(names.n, sizeof *rd->names);
    if (rd->names == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    for (col = 0; col < names.n; col++) {
        rd->names[col] = names.items[col].text;
        names.items[col].text = NULL;
    }
    rd->data_offset = rd->base + rd->pos;
    rd->data_line = rd->line;
    for (;;) {
        int need = csv_skip_blank_lines(rd);
        if (!need && (rd->pos < rd->len || rd->eof))
            break;
        if ((rc = csv_refill(rd, rd->pos)) != ONC_OK)
            goto cleanup;
    }
    if (rd->pos == rd->len)
        rc = csv_fail(rd, ONC_ERR_DATA, 0, header_line, NULL,
                      "no data rows: the file has a header but no rows below it");
cleanup:
    csv_strset_free(&names);
    return rc;
}

/*
** Room for more rows in every column's values.  After the first rows the
** size of the input predicts the number of rows, so the arrays are
** usually allocated once more at (nearly) their final size instead of
** being doubled and copied.
*/
static onc_status csv_grow_rows(csv_reader *rd)
{
    uint64_t used = rd->base + rd->pos - rd->data_offset;
    size_t cap = rd->cap_rows ? rd->cap_rows * 2 : 4096, col;

    if (rd->cap_rows > 0 && used > 0 && rd->input_size > rd->data_offset) {
        double expected = (double)rd->n_rows * (double)(rd->input_size - rd->data_offset) /
                          (double)used * 1.02 + 64.0;
        if (expected > (double)cap && expected < (double)rd->max_rows)
            cap = (size_t)expected;
        else if (expected >= (double)rd->max_rows)
            cap = rd->max_rows;
    }
    if (cap > rd->max_rows)
        cap = rd->max_rows;
    for (col = 0; col < rd->n_cols; col++) {
        csv_column_state *st = &rd->state[col];

        if (st->text) {
            int32_t *code = onc_reallocarray(st->code, cap, sizeof *code);
            if (code == NULL)
                return ONC_ERR_NOMEM;
            st->code = code;
        } else {
            double *num = onc_reallocarray(st->num, cap, sizeof *num);
            if (num == NULL)
                return ONC_ERR_NOMEM;
            st->num = num;
        }
    }
    rd->cap_rows = cap;
    return ONC_OK;
}

/* Conversion state for every column, once the header and overrides are known. */
static onc_status csv_init_state(csv_reader *rd)
{
    size_t col, k;

    rd->block_cap = CSV_BLOCK_CELLS / rd->n_cols;
    if (rd->block_cap > CSV_BLOCK_MAX_ROWS)
        rd->block_cap = CSV_BLOCK_MAX_ROWS;
    if (rd->block_cap < CSV_BLOCK_MIN_ROWS)
        rd->block_cap = CSV_BLOCK_MIN_ROWS;
    rd->cells = onc_mallocarray(rd->n_cols * rd->block_cap, sizeof *rd->cells);
    rd->state = onc_callocarray(rd->n_cols, sizeof *rd->state);
    if (rd->cells == NULL || rd->state == NULL)
        return ONC_ERR_NOMEM;
    for (col = 0; col < rd->n_cols; col++) {
        csv_column_state *st = &rd->state[col];

        st->mask = CSV_CAN_ANY;
        st->date_from = SIZE_MAX;
        for (k = 0; k < rd->opt->n_overrides; k++) {
            if (strcmp(rd->opt->overrides[k].column, rd->names[col]) == 0) {
                st->forced = 1;
                st->type = rd->opt->overrides[k].type;
                st->text = st->type == ONC_COL_FACTOR;
            }
        }
    }
    return ONC_OK;
}

/* A row with more fields than the header: count them for the message. */
static onc_status csv_too_many_fields(csv_reader *rd, size_t row, size_t row_line)
{
    size_t found = rd->n_cols;
    uint64_t cell;
    int end;
    onc_status rc;

    do {
        rc = csv_field(rd, row, found, &cell, &end);
        if (rc != ONC_OK)
            return rc;
        if (end == CSV_END_MORE) {
            /* Only counting is left, so earlier rows may leave the window. */
            if ((rc = csv_refill(rd, rd->pos)) != ONC_OK)
                return rc;
            continue;
        }
        found++;
    } while (end != CSV_END_ROW && end != CSV_END_INPUT);
    return csv_fail(rd, ONC_ERR_PARSE, row, row_line, NULL,
                    "expected %zu fields (as in the header), found %zu",
                    rd->n_cols, found);
}

/*
** A row cannot be read.  The rows before it are converted first: an error
** in one of them comes earlier in the file and is the one reported, as it
** would be had the block been converted before this row was reached.
*/
static onc_status csv_scan_error(csv_reader *rd, onc_status rc)
{
    onc_status earlier = csv_convert_block(rd);

    return earlier != ONC_OK ? earlier : rc;
}

/*
** Scan data rows into the block index, converting every full block, until
** the input ends or `limit` rows have been read.  The loop handles the
** common field (unquoted, ASCII, ended by the separator or a line feed)
** inline; anything else goes through csv_field().  Before the window's
** last line feed a run of ordinary bytes always ends at a stop byte, so the
** inline loop needs no bounds check there.
*/
static onc_status csv_read_rows(csv_reader *rd, size_t limit)
{
    const unsigned char sep = (unsigned char)rd->sep;
    const size_t n_cols = rd->n_cols, max_cell = rd->max_cell;
    onc_status rc;

    for (;;) {
        /* Copies of the window's fields: stores into the block index could
        ** otherwise alias them and force the compiler to reload them. */
        const unsigned char *u = rd->data;
        const size_t len = rd->len, safe_end = rd->safe_end, stride = rd->block_cap;
        const uint64_t sep_bytes = rd->sep_bytes;
        size_t row = rd->n_rows + 1, row_line, row_start, col = 0, pos, line;
        uint64_t cell, *slot;
        int end = CSV_END_ROW;

        if (csv_skip_blank_lines(rd) || (rd->pos == rd->len && !rd->eof)) {
            if ((rc = csv_next_window(rd, rd->pos)) != ONC_OK)
                return rc;
            continue;
        }
        if (rd->pos == rd->len || rd->n_rows == limit)
            break;
        if (rd->n_rows == rd->max_rows)
            return csv_scan_error(rd, csv_fail(rd, ONC_ERR_LIMIT, row, rd->line, NULL,
                                               "more than %zu data rows (the cap)",
                                               rd->max_rows));
        if (rd->n_rows == rd->cap_rows && (rc = csv_grow_rows(rd)) != ONC_OK)
            return rc;
        line = row_line = rd->line;
        row_start = pos = rd->pos;
        slot = rd->cells + (rd->n_rows - rd->block_row0);
#ifdef CSV_SWAR
        if (pos < safe_end) {
            size_t next = csv_plain_row(u, pos, len, sep_bytes, slot, stride, n_cols, max_cell);
            if (next != 0) {
                rd->pos = next;
                rd->line = line + 1;
                rd->n_rows++;
                if (rd->n_rows - rd->block_row0 == rd->block_cap &&
                    (rc = csv_convert_block(rd)) != ONC_OK)
                    return rc;
                continue;
            }
        }
#endif
        for (;;) {
            size_t start = pos, stop_at;

            if (pos < safe_end && u[pos] != '"') {
                pos = csv_run_end(u, len, pos, sep_bytes, rd->stop_plain);
                if (u[pos] == sep || u[pos] == '\n') {
                    stop_at = pos;
                    end = CSV_END_FIELD;
                    if (u[pos] == '\n') {
                        end = CSV_END_ROW;
                        line++;
                        if (stop_at > start && u[stop_at - 1] == '\r')
                            stop_at--;
                    }
                    pos++;
                    if (stop_at - start > max_cell) {
                        rd->line = line;
                        return csv_scan_error(rd, csv_too_long(rd, row, col,
                                                               line - (end == CSV_END_ROW)));
                    }
                    *slot = ((uint64_t)start << CSV_OFFSET_SHIFT) | (uint64_t)(stop_at - start);
                    goto stored;
                }
                pos = start;   /* NUL or non-ASCII: the general path checks it */
            }
            rd->pos = pos;
            rd->line = line;
            rc = csv_field(rd, row, col, &cell, &end);
            if (rc != ONC_OK)
                return csv_scan_error(rd, rc);
            if (end == CSV_END_MORE)
                break;
            pos = rd->pos;
            line = rd->line;
            *slot = cell;
stored:
            if (end != CSV_END_FIELD)
                break;
            slot += stride;
            if (++col == n_cols) {
                /* Counting the surplus may move the window: convert first. */
                rd->pos = pos;
                rd->line = line;
                if ((rc = csv_convert_block(rd)) != ONC_OK)
                    return rc;
                return csv_too_many_fields(rd, row, row_line);
            }
        }
        if (end == CSV_END_MORE) {
            /* The row runs past the window: read on and scan it again. */
            rd->pos = row_start;
            rd->line = row_line;
            if ((rc = csv_next_window(rd, row_start)) != ONC_OK)
                return rc;
            continue;
        }
        rd->pos = pos;
        rd->line = line;
        if (col + 1 < n_cols)
            return csv_scan_error(rd, csv_fail(rd, ONC_ERR_PARSE, row, row_line, NULL,
                                               "expected %zu fields (as in the header), "
                                               "found %zu", n_cols, col + 1));
        rd->n_rows++;
        if (rd->n_rows - rd->block_row0 == rd->block_cap &&
            (rc = csv_convert_block(rd)) != ONC_OK)
            return rc;
    }
    return csv_convert_block(rd);
}

/* ---- finishing columns ---- */

/*
** Settle each column's type now that every row has been seen, and note the
** rows that must be converted again (see csv_infer_rows).
*/
static onc_status csv_settle_types(csv_reader *rd, size_t *replay_rows)
{
    size_t col;

    *replay_rows = 0;
    for (col = 0; col < rd->n_cols; col++) {
        csv_column_state *st = &rd->state[col];
        unsigned mask = st->mask;

        if (st->text) {
            st->replay_to = st->text_from;
        } else if (st->forced) {
            continue;
        } else if (st->n_present == 0 || (mask & CSV_CAN_LOGICAL)) {
            /* All missing is LOGICAL, as in R.  A logical took the lead at
            ** the first value (it is never a number or a date), so every
            ** row is already converted. */
            st->type = ONC_COL_LOGICAL;
        } else if (mask & CSV_CAN_INTEGER) {
            st->type = ONC_COL_INTEGER;
        } else if (mask & CSV_CAN_NUMBER) {
            st->type = ONC_COL_NUMBER;
        } else if (mask & CSV_CAN_DATE) {
            st->type = ONC_COL_DATE;
            /* Values before date_from were also numbers (e.g. 20200105
            ** with %Y%m%d) and are held as such. */
            if (st->first_present < st->date_from)
                st->replay_to = st->date_from;
        } else {
            /* Only the date layout is left: every value is laid out as a
            ** date, but some day does not exist. */
            return csv_impossible_date(rd, col, st->impossible_row, st->impossible_offset,
                                       st->impossible_text);
        }
        st->replay_type = st->type;
        if (st->replay_to > rd->n_rows)
            st->replay_to = rd->n_rows;
        if (st->replay_to > *replay_rows)
            *replay_rows = st->replay_to;
    }
    return ONC_OK;
}

/* Read the first `rows` data rows again for the columns that need them. */
static onc_status csv_replay(csv_reader *rd, size_t rows)
{
    size_t total = rd->n_rows;
    onc_status rc;

    rc = csv_seek(rd, rd->data_offset, rd->data_line);
    if (rc != ONC_OK)
        return rc;
    rd->replaying = 1;
    rd->n_rows = rd->block_row0 = 0;
    rc = csv_read_rows(rd, rows);
    rd->replaying = 0;
    rd->n_rows = total;
    return rc;
}

/*
** Refuse to guess: a text column holding a value laid out like a date that
** the date format (ISO without one) does not read was almost certainly
** meant to be dates.  Checked once per distinct value; reported at the
** first row holding such a value.
*/
static onc_status csv_check_date_like(const csv_reader *rd, size_t col)
{
    const csv_column_state *st = &rd->state[col];
    const csv_level *worst = NULL;
    char hint[64], shown[80];
    int ambiguous, two_digit, worst_kind = CSV_DATE_NO;
    size_t k, line;

    for (k = 0; k < st->levels.n; k++) {
        const csv_level *lv = &st->levels.items[k];
        const char *s = lv->text;
        size_t n = lv->len;
        double v;
        int kind;

        if ((worst != NULL && lv->first_row >= worst->first_row) ||
            !onc_date_looks_like(s, n))
            continue;
        csv_trim(&s, &n);
        kind = csv_parse_date(rd, s, n, &v);
        if (kind != CSV_DATE_OK) {
            worst = lv;
            worst_kind = kind;
        }
    }
    if (worst == NULL)
        return ONC_OK;
    line = csv_line_of(rd, worst->first_offset);
    onc_date_suggest_format(worst->text, worst->len, hint, sizeof hint, &ambiguous,
                            &two_digit);
    csv_show(shown, sizeof shown, worst->text, worst->len);
    if (worst_kind == CSV_DATE_IMPOSSIBLE)
        return csv_impossible_date(rd, col, worst->first_row, worst->first_offset, shown);
    if (two_digit)
        return csv_fail(rd, ONC_ERR_PARSE, worst->first_row + 1, line, rd->names[col],
                        "ambiguous date '%s': two-digit years do not say their century; "
                        "write years with four digits, or force the column to text", shown);
    if (rd->date_format != NULL)
        return csv_fail(rd, ONC_ERR_PARSE, worst->first_row + 1, line, rd->names[col],
                        "date '%s' does not match the date format %s (it looks like %s); "
                        "fix the value, or force the column to text",
                        shown, rd->date_format, hint);
    return csv_fail(rd, ONC_ERR_PARSE, worst->first_row + 1, line, rd->names[col],
                    "%s date '%s': give a date format such as %s",
                    ambiguous ? "ambiguous" : "non-ISO", shown, hint);
}

/* Move column `col` into `out`: levels sorted by bytes, codes renumbered. */
static onc_status csv_finish_column(csv_reader *rd, size_t col, onc_column *out)
{
    csv_column_state *st = &rd->state[col];
    uint32_t *rank = NULL;
    int32_t *codes;
    size_t k, r;
    onc_status rc;

    if (!st->text) {
        double *values = onc_reallocarray(st->num, rd->n_rows, sizeof *values);
        if (values != NULL)
            st->num = values;   /* give back the unused tail of the estimate */
        if (st->type == ONC_COL_INTEGER)
            for (r = 0; r < rd->n_rows; r++)
                st->num[r] += 0.0;   /* "-0" is the integer 0 */
        out->type = st->type;
        out->num = st->num;
        st->num = NULL;
        return ONC_OK;
    }
    if (!st->forced) {
        rc = csv_check_date_like(rd, col);
        if (rc != ONC_OK)
            return rc;
    }
    if (st->levels.n > 0)
        qsort(st->levels.items, st->levels.n, sizeof *st->levels.items, csv_level_compare);
    rank = onc_mallocarray(st->levels.n, sizeof *rank);
    out->levels = onc_callocarray(st->levels.n, sizeof *out->levels);
    if (rank == NULL || out->levels == NULL) {
        free(rank);
        return ONC_ERR_NOMEM;
    }
    for (k = 0; k < st->levels.n; k++) {
        rank[st->levels.items[k].id] = (uint32_t)k;
        out->levels[k] = st->levels.items[k].text;
        st->levels.items[k].text = NULL;
        out->n_levels = k + 1;
    }
    for (r = 0; r < rd->n_rows; r++)
        if (st->code[r] >= 0)
            st->code[r] = (int32_t)rank[st->code[r]];
    free(rank);
    codes = onc_reallocarray(st->code, rd->n_rows, sizeof *codes);
    if (codes != NULL)
        st->code = codes;   /* give back the unused tail of the estimate */
    out->type = ONC_COL_FACTOR;
    out->code = st->code;
    st->code = NULL;
    return ONC_OK;
}

/* Every override must name a column of the file, once. */
static onc_status csv_check_overrides(const csv_reader *rd)
{
    size_t k, j, col;

    for (k = 0; k < rd->opt->n_overrides; k++) {
        const onc_type_override *ov = &rd->opt->overrides[k];

        for (col = 0; col < rd->n_cols; col++)
            if (strcmp(ov->column, rd->names[col]) == 0)
                break;
        if (col == rd->n_cols)
            return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL,
                            "a type override names the column '%s', which is not in the "
                            "header", ov->column);
        for (j = 0; j < k; j++)
            if (strcmp(ov->column, rd->opt->overrides[j].column) == 0)
                return csv_fail(rd, ONC_ERR_USAGE, 0, 0, ov->column,
                                "the column has two type overrides");
    }
    return ONC_OK;
}

static onc_status csv_build_frame(csv_reader *rd, onc_frame **out)
{
    onc_frame *frame = NULL;
    size_t col;
    onc_status rc;

    frame = calloc(1, sizeof *frame);
    if (frame == NULL)
        return ONC_ERR_NOMEM;
    frame->n_rows = rd->n_rows;
    frame->cols = onc_callocarray(rd->n_cols, sizeof *frame->cols);
    if (frame->cols == NULL) {
        rc = ONC_ERR_NOMEM;
        goto cleanup;
    }
    if (rd->name != NULL) {
        frame->source = onc_strdup(rd->name);
        if (frame->source == NULL) {
            rc = ONC_ERR_NOMEM;
            goto cleanup;
        }
    }
    for (col = 0; col < rd->n_cols; col++) {
        onc_column *c = &frame->cols[col];

        /* The slot counts from now on, so a failure releases what it holds;
        ** the reader keeps borrowing the name for messages. */
        frame->n_cols = col + 1;
        c->name = rd->names[col];
        rc = csv_finish_column(rd, col, c);
        rd->names[col] = NULL;
        if (rc != ONC_OK)
            goto cleanup;
    }
    *out = frame;
    return ONC_OK;
cleanup:
    onc_frame_free(frame);
    return rc;
}

/* ---- options and entry points ---- */

void onc_csv_options_init(onc_csv_options *opt)
{
    if (opt == NULL)
        return;
    memset(opt, 0, sizeof *opt);
    opt->decimal = '.';
}

static onc_status csv_setup(csv_reader *rd, const onc_csv_options *opt)
{
    static const char *const default_na[] = {"", "NA", ".", "NaN"};
    const char *const *tokens = opt->na_tokens ? opt->na_tokens : default_na;
    size_t n_tokens = opt->na_tokens ? opt->n_na_tokens : 4, k;
    const char *why = NULL;
    double probe;

    rd->opt = opt;
    rd->sep = opt->sep;
    rd->decimal = opt->decimal ? opt->decimal : '.';
    rd->line = 1;
    if (rd->decimal != '.' && rd->decimal != ',')
        return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL, "the decimal mark must be '.' or ','");
    if (rd->sep == '"' || rd->sep == '\n' || rd->sep == '\r' ||
        (unsigned char)rd->sep >= 0x80 || (rd->sep >= '0' && rd->sep <= '9'))
        return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL,
                        "the field separator cannot be a quote, a line break, a digit "
                        "or a non-ASCII byte");
    rd->max_rows = opt->max_rows ? opt->max_rows : ONC_CSV_DEFAULT_MAX_ROWS;
    rd->max_cols = opt->max_cols ? opt->max_cols : ONC_CSV_DEFAULT_MAX_COLS;
    rd->max_cell = opt->max_cell_bytes ? opt->max_cell_bytes : ONC_CSV_DEFAULT_MAX_CELL_BYTES;
    if (rd->max_cell > ONC_CSV_LIMIT_CELL_BYTES)
        return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL,
                        "the cap on field size cannot exceed %u bytes",
                        (unsigned)ONC_CSV_LIMIT_CELL_BYTES);
    if (rd->max_rows > SIZE_MAX / 16)
        rd->max_rows = SIZE_MAX / 16;
    if (rd->max_cols > SIZE_MAX / 16 / CSV_BLOCK_MIN_ROWS)
        rd->max_cols = SIZE_MAX / 16 / CSV_BLOCK_MIN_ROWS;

    if (opt->date_format != NULL && onc_date_check_format(opt->date_format, &why) != ONC_OK)
        return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL, "date format '%s': %s",
                        opt->date_format, why);
    rd->date_format = opt->date_format;
    /* ISO dates stay readable beside a foreign format, unless the format
    ** itself can read ISO-shaped text (then one spelling could mean two days). */
    rd->iso_fallback = opt->date_format != NULL &&
                       onc_date_parse("1999-12-31", 10, opt->date_format, &probe) != ONC_OK &&
                       onc_date_parse("1999-01-02", 10, opt->date_format, &probe) != ONC_OK;

    if (opt->n_overrides > 0 && opt->overrides == NULL)
        return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL, "type overrides are counted but missing");
    for (k = 0; k < opt->n_overrides; k++) {
        const onc_type_override *ov = &opt->overrides[k];
        if (ov->column == NULL || (unsigned)ov->type > (unsigned)ONC_COL_LOGICAL)
            return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL,
                            "type override %zu has no column name or an unknown type", k + 1);
    }

    rd->na = onc_mallocarray(n_tokens, sizeof *rd->na);
    if (rd->na == NULL)
        return ONC_ERR_NOMEM;
    for (k = 0; k < n_tokens; k++) {
        if (tokens[k] == NULL)
            return csv_fail(rd, ONC_ERR_USAGE, 0, 0, NULL,
                            "missing-value token %zu is NULL", k + 1);
        rd->na[k].text = tokens[k];
        rd->na[k].len = strlen(tokens[k]);
        if (rd->na[k].len == 0)
            rd->blank_is_na = 1;
        else
            rd->na_lengths[(unsigned char)tokens[k][0]] |=
                (uint64_t)1 << (rd->na[k].len < 63 ? rd->na[k].len : 63);
    }
    rd->n_na = n_tokens;

    rd->scratch = malloc(rd->max_cell + 1);
    if (rd->scratch == NULL)
        return ONC_ERR_NOMEM;
    return ONC_OK;
}

static void csv_reader_release(csv_reader *rd)
{
    size_t col;

    for (col = 0; col < rd->n_cols; col++) {
        if (rd->names != NULL)
            free(rd->names[col]);
        if (rd->state != NULL) {
            free(rd->state[col].num);
            free(rd->state[col].code);
            csv_strset_free(&rd->state[col].levels);
        }
    }
    free(rd->state);
    free(rd->names);
    free(rd->cells);
    free(rd->na);
    free(rd->scratch);
    free(rd->window);
}

/* Everything after the input is in place: the same for buffers and files. */
static onc_status csv_run(csv_reader *rd, const onc_csv_options *opt, onc_frame **out)
{
    size_t replay_rows = 0;
    onc_status rc;

    rc = csv_setup(rd, opt);
    if (rc == ONC_OK && rd->fd >= 0)
        rc = csv_refill(rd, 0);
    if (rc == ONC_OK)
        rc = csv_read_header(rd);
    if (rc == ONC_OK)
        rc = csv_check_overrides(rd);
    if (rc == ONC_OK)
        rc = csv_init_state(rd);
    if (rc == ONC_OK)
        rc = csv_read_rows(rd, SIZE_MAX);
    if (rc == ONC_OK)
        rc = csv_settle_types(rd, &replay_rows);
    if (rc == ONC_OK && replay_rows > 0)
        rc = csv_replay(rd, replay_rows);
    if (rc == ONC_OK)
        rc = csv_build_frame(rd, out);
    if (rc == ONC_ERR_NOMEM && rd->err != NULL && rd->err->status == ONC_OK)
        onc_error_set(rd->err, rc, rd->name, 0, 0, NULL, "out of memory while reading");
    return rc;
}

onc_status onc_csv_read_buffer(const char *data, size_t len, const char *name,
                               const onc_csv_options *opt, onc_frame **out,
                               onc_error *err)
{
    onc_csv_options defaults;
    csv_reader rd;
    onc_status rc;

    onc_error_clear(err);
    if (out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, name, 0, 0, NULL,
                             "no place to store the frame");
    *out = NULL;
    if (data == NULL && len > 0)
        return onc_error_set(err, ONC_ERR_USAGE, name, 0, 0, NULL, "no input buffer");
    if ((uint64_t)len >= ONC_CSV_LIMIT_INPUT_BYTES)
        return onc_error_set(err, ONC_ERR_LIMIT, name, 0, 0, NULL,
                             "the input is larger than the reader's limit of 1 TiB");
    if (opt == NULL) {
        onc_csv_options_init(&defaults);
        opt = &defaults;
    }
    memset(&rd, 0, sizeof rd);
    rd.memory = (const unsigned char *)(data != NULL ? data : "");
    rd.data = rd.memory;
    rd.len = len;
    rd.eof = 1;
    rd.fd = -1;
    rd.input_size = len;
    rd.safe_end = len;
    while (rd.safe_end > 0 && rd.data[rd.safe_end - 1] != '\n')
        rd.safe_end--;
    rd.name = name;
    rd.err = err;
    rc = csv_run(&rd, opt, out);
    csv_reader_release(&rd);
    return rc;
}

/* Read all of a non-seekable input (a pipe) into memory. */
static onc_status csv_slurp(int fd, const char *path, char **data, size_t *len,
                            onc_error *err)
{
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap), *grown;

    if (buf == NULL)
        return onc_error_set(err, ONC_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
    for (;;) {
        ssize_t got = read(fd, buf + used, cap - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            char reason[128];
            if (strerror_r(errno, reason, sizeof reason) != 0)
                onc_strlcpy(reason, "unknown error", sizeof reason);
            free(buf);
            return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL,
                                 "cannot read the file: %s", reason);
        }
        if (got == 0)
            break;
        used += (size_t)got;
        if (used == cap) {
            if ((uint64_t)cap >= ONC_CSV_LIMIT_INPUT_BYTES) {
                free(buf);
                return onc_error_set(err, ONC_ERR_LIMIT, path, 0, 0, NULL,
                                     "the input is larger than the reader's limit of 1 TiB");
            }
            grown = onc_reallocarray(buf, cap, 2);
            if (grown == NULL) {
                free(buf);
                return onc_error_set(err, ONC_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
            }
            buf = grown;
            cap *= 2;
        }
    }
    *data = buf;
    *len = used;
    return ONC_OK;
}

onc_status onc_csv_read(const char *path, const onc_csv_options *opt,
                        onc_frame **out, onc_error *err)
{
    onc_csv_options defaults;
    struct stat before, after;
    csv_reader rd;
    char *data = NULL, reason[128];
    size_t len = 0;
    int fd;
    onc_status rc;

    onc_error_clear(err);
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return onc_error_set(err, ONC_ERR_USAGE, NULL, 0, 0, NULL,
                             "a file name and a place to store the frame are required");
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &before) != 0) {
        if (strerror_r(errno, reason, sizeof reason) != 0)
            onc_strlcpy(reason, "unknown error", sizeof reason);
        if (fd >= 0)
            close(fd);
        return onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL, "cannot open the file: %s",
                             reason);
    }
    if (!S_ISREG(before.st_mode)) {
        /* A pipe cannot be read twice: hold it in memory. */
        rc = csv_slurp(fd, path, &data, &len, err);
        close(fd);
        if (rc == ONC_OK)
            rc = onc_csv_read_buffer(data, len, path, opt, out, err);
        free(data);
        return rc;
    }
    if (opt == NULL) {
        onc_csv_options_init(&defaults);
        opt = &defaults;
    }
    memset(&rd, 0, sizeof rd);
    rd.fd = fd;
    rd.input_size = (uint64_t)before.st_size;
    rd.name = path;
    rd.err = err;
    rd.window_cap = opt->read_bytes ? opt->read_bytes : ONC_CSV_DEFAULT_READ_BYTES;
    rd.window = malloc(rd.window_cap);
    rd.data = rd.window;
    if (rd.window == NULL)
        rc = onc_error_set(err, ONC_ERR_NOMEM, path, 0, 0, NULL, "out of memory");
    else
        rc = csv_run(&rd, opt, out);
    /* The file was read in pieces (and perhaps twice): it must not have
    ** changed meanwhile. */
    if (rc == ONC_OK && (fstat(fd, &after) != 0 || after.st_size != before.st_size ||
                         after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
                         after.st_mtim.tv_nsec != before.st_mtim.tv_nsec)) {
        onc_frame_free(*out);
        *out = NULL;
        rc = onc_error_set(err, ONC_ERR_IO, path, 0, 0, NULL,
                           "the file changed while it was being read");
    }
    csv_reader_release(&rd);
    close(fd);
    return rc;
}
