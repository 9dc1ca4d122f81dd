# ps_nearest.R -- MatchIt's nearest-neighbour algorithm, for ps_match.R and
# ps_balance.R (sourced; writes nothing).
#
# Why a transcription: the installed MatchIt 4.5.1 has two defects in
# nn_matchC_vec.cpp, the routine used when the distance is a propensity score:
#   1. `abs()` is applied to double distances but resolves to C's integer
#      abs(), so every |distance difference| is truncated to a whole number
#      before it is compared: the control below a treated patient wins unless
#      the one above is closer by a whole logit unit, and a caliper below 1
#      has no effect (kosukeimai/MatchIt#163, "Caliper not working as
#      intended on versions 4.5.1 - 4.5.3").
#   2. With replacement and ratio > 1 the test "already matched to this
#      treated patient" compares 0-based with 1-based indices, so the same
#      control is matched again (kosukeimai/MatchIt#159).
# nn_vec() below is a line-by-line transcription of nn_matchC_vec (ordering
# by sort.list, treated patients in m.order, nearest eligible control below
# and above, the one below winning ties, caliper checked on the nearest
# eligible control of each side, ratio filled round by round).  With
# `absf = int_abs, fix = FALSE` it reproduces MatchIt 4.5.1 exactly, which
# matchit_reference() checks for every configuration before using the
# corrected version (`absf = abs, fix = TRUE`) as the reference.  Weights,
# calipers and discarded units always come from MatchIt's own code.
suppressMessages(library(MatchIt))

int_abs <- function(x) abs(trunc(x))   # C's abs(int) applied to a double

nn_vec <- function(treat, distance, ratio, replace, m.order, caliper,
                   discarded, absf, fix) {
  n <- length(treat)
  lab1 <- which(treat == 1)
  n1 <- length(lab1)
  reuse_max <- if (replace) .Machine$integer.max else 1L
  if (reuse_max >= n1) m.order <- "data"          # as matchit2nearest
  ord <- switch(m.order,
                largest = order(distance[lab1], decreasing = TRUE),
                smallest = order(distance[lab1]),
                data = seq_len(n1))
  d_ord <- sort.list(distance)
  tr <- treat[d_ord]
  dd <- distance[d_ord]
  disc <- discarded[d_ord]
  pos_of <- match(lab1, d_ord)
  mm <- matrix(NA_integer_, n1, ratio)
  times <- integer(n)
  cbm <- !disc & tr != 1
  # check_in(d_ord[k], row): 4.5.1 compares the 0-based index with the
  # 1-based stored matches.
  already <- function(k, prev) {
    if (fix) d_ord[k] %in% prev else (d_ord[k] - 1L) %in% prev
  }
  for (r in seq_len(ratio)) {
    for (i in seq_len(n1)) {
      rowi <- ord[i]
      ii <- pos_of[rowi]
      if (disc[ii]) next
      prev <- mm[rowi, seq_len(r - 1)]
      prev <- prev[!is.na(prev)]
      find <- function(step) {
        k <- ii + step
        while (k >= 1 && k <= n) {
          if (tr[k] == 1 || (r > 1 && already(k, prev)) || !cbm[k]) {
            k <- k + step
            next
          }
          if (!is.null(caliper) && absf(dd[ii] - dd[k]) > caliper) return(NA)
          return(k)
        }
        NA
      }
      kl <- find(-1L)
      kr <- find(1L)
      if (!is.na(kl) && !is.na(kr)) {
        k <- if (absf(dd[kl] - dd[ii]) <= absf(dd[kr] - dd[ii])) kl else kr
      } else if (!is.na(kl)) {
        k <- kl
      } else if (!is.na(kr)) {
        k <- kr
      } else {
        next
      }
      mm[rowi, r] <- d_ord[k]
      times[k] <- times[k] + 1L
      if (times[k] >= reuse_max) cbm[k] <- FALSE
    }
  }
  rownames(mm) <- as.character(lab1)
  mm
}

# Run MatchIt, check the transcription against it, return the corrected
# matches (rows of the data, 1-based) and MatchIt's weights for them.
matchit_reference <- function(formula, data, ratio = 1, replace = FALSE,
                              m.order = "largest", caliper = NULL,
                              discard = "none") {
  m <- suppressWarnings(matchit(formula, data = data, method = "nearest",
                                distance = "glm", link = "linear.logit",
                                ratio = ratio, replace = replace,
                                m.order = m.order, caliper = caliper,
                                std.caliper = TRUE, discard = discard))
  treat <- unname(m$treat)
  dist <- unname(m$distance)
  cal <- if (is.null(caliper)) NULL else unname(m$caliper)
  got <- matrix(as.integer(m$match.matrix), nrow(m$match.matrix))
  emulated <- nn_vec(treat, dist, ratio, replace, m.order, cal,
                     unname(m$discarded), int_abs, FALSE)
  stopifnot(identical(unname(emulated), got))
  fixed <- nn_vec(treat, dist, ratio, replace, m.order, cal,
                  unname(m$discarded), abs, TRUE)
  cm <- matrix(as.character(fixed), nrow(fixed),
               dimnames = list(rownames(fixed), NULL))
  tr <- setNames(treat, as.character(seq_along(treat)))
  w <- unname(MatchIt:::weights.matrix(cm, tr))
  list(mm = fixed, weights = w, caliper = cal, discarded = unname(m$discarded),
       distance = dist, treat = treat, matchit_mm = got)
}
