/* reader's optional C part (setup.py: optional=True; with no C compiler, reader installs without
 * it and does the same work in Python, and the tests check that both give the same results).
 *
 * For the thread builder (reader/parsing/threads.py):
 *   norm_hashes(text)               a paragraph normalised (threads._norm_words_py) as one string,
 *                                   and its words' 64-bit hashes: no str made per word
 *   GramIndex.add(key, paragraphs)  index the word trigrams at even positions of each paragraph
 *   GramIndex.shares(words)         does any trigram of `words` occur in the index?
 *   GramIndex.candidates(words)     the sources sharing enough trigrams (threads._PyGrams)
 * A trigram is keyed by a 64-bit mix of its words' hashes, so no tuple is made per trigram. A
 * collision of two keys can only add a candidate, which the caller checks against the
 * candidate's text (exact containment or a fuzzy ratio): it cannot make a wrong quote.
 *
 * For the search index (reader/search/fields.py):
 *   unique_terms(text, skip)        a story's distinct words (text.words()), less skip's, joined
 *                                   by NUL: the form they travel in to the importing process
 *   story_fields(raw, lower)        a story's scan-ready text: lower-cased, its fields' bounds
 *
 * For the query engine (reader/search/engine.py), on each keystroke:
 *   mark(postings, score, ...)      a term's postings: each story's best score and title flag
 *   holds(postings, docs, ...)      which of the top stories a term's postings hold
 *
 * For the search index's vocabulary (reader/search/segments.py), in the importing process:
 *   TermIds.lookup(parts)           the ids of terms joined by NUL, with no str made per term
 *
 * For related stories (reader/related.py):
 *   word_counts(text, skip, wanted) how often the words of the text that a fingerprint can use
 *                                   occur, and which occur more than once or are not all letters
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

#define CANDIDATES_PER_GRAM 64
#define FUZZY_CANDIDATES 4
#define COMMON_TAIL 8

typedef struct {
    uint64_t h;      /* 0: empty slot */
    int32_t n;       /* sources holding this trigram */
    int32_t cap;     /* capacity of `many` (0 while n <= 1) */
    int32_t one;     /* the source when n == 1 */
    int32_t *many;   /* the sources in order when n > 1 */
} Entry;

typedef struct {
    PyObject_HEAD
    Entry *slots;
    size_t mask;     /* capacity - 1 (a power of two) */
    size_t used;
    int32_t *counts; /* per source key, scratch for candidates() */
    size_t ncounts;
    long last_key;   /* the last key added (-1: none) */
} GramIndex;

static uint64_t mix3(Py_hash_t a, Py_hash_t b, Py_hash_t c) {
    uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ULL;
    h = (h ^ (h >> 29)) + (uint64_t)b * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 31)) + (uint64_t)c * 0x94D049BB133111EBULL;
    h ^= h >> 30; h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27; h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return h ? h : 1;
}

static uint64_t GAP_HASH;

/* The words' hashes from norm_hashes (bytes), and which are the gap marker `_gap_`. */
static int bytes_hashes(PyObject *words, Py_hash_t **hashes, char **gaps, Py_ssize_t *n) {
    if (!PyBytes_Check(words) || PyBytes_GET_SIZE(words) % 8) {
        PyErr_SetString(PyExc_TypeError, "words must be a list of str or the bytes of norm_hashes");
        return -1;
    }
    Py_ssize_t len = PyBytes_GET_SIZE(words) / 8;
    *n = len;
    *hashes = NULL;
    *gaps = NULL;
    if (len < 3) return 0;
    *hashes = PyMem_Malloc(sizeof(Py_hash_t) * len);
    *gaps = PyMem_Malloc(len);
    if (!*hashes || !*gaps) {
        PyMem_Free(*hashes); PyMem_Free(*gaps);
        PyErr_NoMemory();
        return -1;
    }
    const char *raw = PyBytes_AS_STRING(words);
    for (Py_ssize_t i = 0; i < len; i++) {
        uint64_t h;
        memcpy(&h, raw + 8 * i, 8);
        (*hashes)[i] = (Py_hash_t)h;
        (*gaps)[i] = h == GAP_HASH;
    }
    return 0;
}

/* The hashes of a list's words (or of norm_hashes' bytes), and which are the gap marker `_gap_`. */
static int word_hashes(PyObject *words, Py_hash_t **hashes, char **gaps, Py_ssize_t *n) {
    if (PyBytes_Check(words)) return bytes_hashes(words, hashes, gaps, n);
    if (!PyList_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "words must be a list of str");
        return -1;
    }
    Py_ssize_t len = PyList_GET_SIZE(words);
    *n = len;
    *hashes = NULL;
    *gaps = NULL;
    if (len < 3) return 0;
    *hashes = PyMem_Malloc(sizeof(Py_hash_t) * len);
    *gaps = PyMem_Malloc(len);
    if (!*hashes || !*gaps) {
        PyMem_Free(*hashes); PyMem_Free(*gaps);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *w = PyList_GET_ITEM(words, i);
        if (!PyUnicode_CheckExact(w)) {  /* (exact: hashing a subclass could run code that changes the list) */
            PyMem_Free(*hashes); PyMem_Free(*gaps);
            PyErr_SetString(PyExc_TypeError, "words must be a list of str");
            return -1;
        }
        Py_hash_t h = PyObject_Hash(w);
        if (h == -1) { PyMem_Free(*hashes); PyMem_Free(*gaps); return -1; }
        (*hashes)[i] = h;
        (*gaps)[i] = PyUnicode_GET_LENGTH(w) == 5 && PyUnicode_CompareWithASCIIString(w, "_gap_") == 0;
    }
    return 0;
}

static Entry *lookup(GramIndex *self, uint64_t h) {
    if (!self->slots) return NULL;
    size_t i = (size_t)h & self->mask;
    for (;;) {
        Entry *e = &self->slots[i];
        if (e->h == h) return e;
        if (e->h == 0) return NULL;
        i = (i + 1) & self->mask;
    }
}

/* An open-addressing table's slots (each starts with its uint64_t hash; 0: empty) moved into a
   table twice the size, or `first` empty slots for a new one: the new slots, with *mask set;
   NULL (MemoryError set, the old table left as it was) when there is no memory. */
ALWAYS_INLINE void *rehash(void *old, size_t *mask, size_t size, size_t first) {
    size_t cap = old ? (*mask + 1) * 2 : first;
    char *slots = PyMem_Calloc(cap, size);
    if (!slots) { PyErr_NoMemory(); return NULL; }
    for (size_t i = 0; old && i <= *mask; i++) {
        const char *e = (const char *)old + i * size;
        uint64_t h, taken;
        memcpy(&h, e, sizeof h);
        if (!h) continue;
        size_t j = (size_t)h & (cap - 1);
        for (;; j = (j + 1) & (cap - 1)) {
            memcpy(&taken, slots + j * size, sizeof taken);
            if (!taken) break;
        }
        memcpy(slots + j * size, e, size);
    }
    PyMem_Free(old);
    *mask = cap - 1;
    return slots;
}

static int grow(GramIndex *self) {
    Entry *slots = rehash(self->slots, &self->mask, sizeof(Entry), 1024);
    if (!slots) return -1;
    self->slots = slots;
    return 0;
}

/* Record that source `key` holds trigram `h` (once, however often it holds it). */
static int insert(GramIndex *self, uint64_t h, int32_t key) {
    if (!self->slots || (self->used + 1) * 4 > (self->mask + 1) * 3) {
        if (grow(self) < 0) return -1;
    }
    size_t i = (size_t)h & self->mask;
    for (;;) {
        Entry *e = &self->slots[i];
        if (e->h == 0) {
            e->h = h; e->n = 1; e->cap = 0; e->one = key; e->many = NULL;
            self->used++;
            return 0;
        }
        if (e->h == h) {
            int32_t last = e->n == 1 ? e->one : e->many[e->n - 1];
            if (last == key) return 0;
            if (e->n == 1) {
                e->many = PyMem_Malloc(sizeof(int32_t) * 4);
                if (!e->many) { PyErr_NoMemory(); return -1; }
                e->cap = 4;
                e->many[0] = e->one;
            } else if (e->n == e->cap) {
                int32_t *more = PyMem_Realloc(e->many, sizeof(int32_t) * e->cap * 2);
                if (!more) { PyErr_NoMemory(); return -1; }
                e->many = more;
                e->cap *= 2;
            }
            e->many[e->n++] = key;
            return 0;
        }
        i = (i + 1) & self->mask;
    }
}

static void GramIndex_dealloc(GramIndex *self) {
    if (self->slots) {
        for (size_t i = 0; i <= self->mask; i++) {
            if (self->slots[i].h && self->slots[i].many) PyMem_Free(self->slots[i].many);
        }
        PyMem_Free(self->slots);
    }
    PyMem_Free(self->counts);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Keys must grow (each source added once, in order: a page's comments) and stay below MAX_KEY:
   the scratch counts of candidates() are an array indexed by key. */
#define MAX_KEY (1 << 24)

static PyObject *GramIndex_add(GramIndex *self, PyObject *args) {
    long key;
    PyObject *paragraphs;
    if (!PyArg_ParseTuple(args, "lO!:add", &key, &PyList_Type, &paragraphs)) return NULL;
    if (key < 0 || key >= MAX_KEY || key <= self->last_key) {
        PyErr_SetString(PyExc_ValueError, "keys must grow, from 0 to 2**24");
        return NULL;
    }
    /* every paragraph's hashes first: a bad one changes nothing */
    Py_ssize_t np = PyList_GET_SIZE(paragraphs);
    Py_hash_t **hs = PyMem_Calloc(np ? np : 1, sizeof(Py_hash_t *));
    char **gaps = PyMem_Calloc(np ? np : 1, sizeof(char *));
    Py_ssize_t *ns = PyMem_Calloc(np ? np : 1, sizeof(Py_ssize_t));
    PyObject *result = NULL;
    Py_ssize_t got = 0;
    if (!hs || !gaps || !ns) { PyErr_NoMemory(); goto done; }
    for (; got < np; got++) {
        if (word_hashes(PyList_GET_ITEM(paragraphs, got), &hs[got], &gaps[got], &ns[got]) < 0) goto done;
    }
    for (Py_ssize_t p = 0; p < np; p++) {
        for (Py_ssize_t i = 0; i + 2 < ns[p]; i += 2) {  /* even positions: see threads._P.sampled_grams */
            if (gaps[p][i] || gaps[p][i + 1] || gaps[p][i + 2]) continue;
            if (insert(self, mix3(hs[p][i], hs[p][i + 1], hs[p][i + 2]), (int32_t)key) < 0) goto done;
        }
    }
    self->last_key = key;
    result = Py_None;
    Py_INCREF(result);
done:
    for (Py_ssize_t p = 0; p < got && hs && gaps; p++) { PyMem_Free(hs[p]); PyMem_Free(gaps[p]); }
    PyMem_Free(hs);
    PyMem_Free(gaps);
    PyMem_Free(ns);
    return result;
}

static PyObject *GramIndex_shares(GramIndex *self, PyObject *words) {
    Py_hash_t *hs; char *gaps; Py_ssize_t n;
    if (word_hashes(words, &hs, &gaps, &n) < 0) return NULL;
    int found = 0;
    for (Py_ssize_t i = 0; i + 2 < n && !found; i++) {
        if (gaps[i] || gaps[i + 1] || gaps[i + 2]) continue;
        found = lookup(self, mix3(hs[i], hs[i + 1], hs[i + 2])) != NULL;
    }
    PyMem_Free(hs); PyMem_Free(gaps);
    return PyBool_FromLong(found);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_desc_i32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x > y ? -1 : x < y;
}

static int count_up(GramIndex *self, int32_t key, int32_t **touched, Py_ssize_t *nt, Py_ssize_t *capt) {
    if ((size_t)key >= self->ncounts) {
        size_t size = self->ncounts ? self->ncounts : 256;
        while (size <= (size_t)key) size *= 2;
        int32_t *c = PyMem_Realloc(self->counts, sizeof(int32_t) * size);
        if (!c) { PyErr_NoMemory(); return -1; }
        memset(c + self->ncounts, 0, sizeof(int32_t) * (size - self->ncounts));
        self->counts = c;
        self->ncounts = size;
    }
    if (self->counts[key] == 0) {
        if (*nt == *capt) {  /* (room first: a count is never left set for a key not in `touched`) */
            Py_ssize_t cap = *capt ? *capt * 2 : 64;
            int32_t *t = PyMem_Realloc(*touched, sizeof(int32_t) * cap);
            if (!t) { PyErr_NoMemory(); return -1; }
            *touched = t;
            *capt = cap;
        }
        (*touched)[(*nt)++] = key;
    }
    self->counts[key]++;
    return 0;
}

/* (candidates latest first, fuzzy candidates) or None: the same rules as grams.py's. */
static PyObject *GramIndex_candidates(GramIndex *self, PyObject *words) {
    Py_hash_t *hs; char *gaps; Py_ssize_t n;
    if (word_hashes(words, &hs, &gaps, &n) < 0) return NULL;
    uint64_t *grams = n >= 3 ? PyMem_Malloc(sizeof(uint64_t) * (n - 2)) : NULL;
    if (n >= 3 && !grams) { PyMem_Free(hs); PyMem_Free(gaps); return PyErr_NoMemory(); }
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i + 2 < n; i++) {
        if (gaps[i] || gaps[i + 1] || gaps[i + 2]) continue;
        grams[m++] = mix3(hs[i], hs[i + 1], hs[i + 2]);
    }
    PyMem_Free(hs); PyMem_Free(gaps);
    if (m > 1) qsort(grams, m, sizeof(uint64_t), cmp_u64);
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < m; i++) {
        if (i == 0 || grams[i] != grams[i - 1]) grams[distinct++] = grams[i];
    }
    /* The shared trigrams: rare ones (held by at most CANDIDATES_PER_GRAM sources) count; if
       all are common, the latest few sources of each do. */
    Entry **shared = distinct ? PyMem_Malloc(sizeof(Entry *) * distinct) : NULL;
    if (distinct && !shared) { PyMem_Free(grams); return PyErr_NoMemory(); }
    Py_ssize_t nshared = 0, n_rare = 0, n_common = 0;
    for (Py_ssize_t i = 0; i < distinct; i++) {
        Entry *e = lookup(self, grams[i]);
        if (!e) continue;
        shared[nshared++] = e;
        if (e->n <= CANDIDATES_PER_GRAM) n_rare++; else n_common++;
    }
    PyMem_Free(grams);
    if (!nshared) { PyMem_Free(shared); Py_RETURN_NONE; }
    int32_t *touched = NULL;
    Py_ssize_t nt = 0, capt = 0;
    int failed = 0;
    for (Py_ssize_t s = 0; s < nshared && !failed; s++) {
        Entry *e = shared[s];
        int rare = e->n <= CANDIDATES_PER_GRAM;
        if (n_rare ? !rare : 0) continue;
        if (e->n == 1) {
            failed = count_up(self, e->one, &touched, &nt, &capt) < 0;
            continue;
        }
        int32_t from = rare ? 0 : e->n - COMMON_TAIL;
        for (int32_t k = from; k < e->n && !failed; k++) {
            failed = count_up(self, e->many[k], &touched, &nt, &capt) < 0;
        }
    }
    PyMem_Free(shared);
    PyObject *result = NULL, *cands = NULL, *fuzzy = NULL;
    if (failed) goto done;
    Py_ssize_t pool = n_rare ? n_rare : n_common;
    long need = (long)(pool * 0.4);
    if (need < 1) need = 1;
    long strong = (long)(distinct * 0.6);
    if (strong < 1) strong = 1;
    long fuzzy_need = strong < pool ? strong : (long)pool;
    /* keep the candidates in place at the front of `touched`, then sort them latest first */
    Py_ssize_t nc = 0;
    for (Py_ssize_t i = 0; i < nt; i++) {
        if (self->counts[touched[i]] >= need) touched[nc++] = touched[i];
        else self->counts[touched[i]] = 0;
    }
    if (nc > 1) qsort(touched, nc, sizeof(int32_t), cmp_desc_i32);
    cands = PyList_New(nc);
    fuzzy = PyList_New(0);
    if (!cands || !fuzzy) goto done;
    for (Py_ssize_t i = 0; i < nc; i++) {
        PyObject *k = PyLong_FromLong(touched[i]);
        if (!k) goto done;
        PyList_SET_ITEM(cands, i, k);
        if (self->counts[touched[i]] >= fuzzy_need && PyList_GET_SIZE(fuzzy) < FUZZY_CANDIDATES) {
            if (PyList_Append(fuzzy, k) < 0) goto done;
        }
    }
    result = PyTuple_Pack(2, cands, fuzzy);
done:
    for (Py_ssize_t i = 0; i < nt; i++) {
        if ((size_t)touched[i] < self->ncounts) self->counts[touched[i]] = 0;
    }
    PyMem_Free(touched);
    Py_XDECREF(cands);
    Py_XDECREF(fuzzy);
    return result;
}

static PyObject *GramIndex_len(GramIndex *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromSize_t(self->used);
}

/* ---- norm_hashes: threads.norm_words (see there) in one pass over the case-folded text, as the
   normalised paragraph in one string and its words' hashes, with no str object made per word
   (making them was most of what a paragraph cost) */

static inline int is_word_char(Py_UCS4 ch) {
    if (ch < 128) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    }
    return Py_UNICODE_ISALNUM(ch);  /* re's \w for str patterns */
}

static inline int is_apostrophe(Py_UCS4 ch) {
    return ch == '\'' || ch == '`' || ch == 0x2019 || ch == 0x2018 || ch == 0xB4;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL


static inline uint64_t hash_step(uint64_t h, Py_UCS4 ch) { return (h ^ ch) * FNV_PRIME; }

static inline uint64_t hash_done(uint64_t h) {
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33;
    return h;
}

typedef struct {
    Py_UCS4 *chars;    /* the words joined by single spaces */
    Py_ssize_t nchars;
    uint64_t *hashes;  /* one per word */
    Py_ssize_t *starts;  /* each word's first character in `chars` */
    Py_ssize_t nwords;
    Py_ssize_t wlen;   /* characters of the word being read (0: between words) */
    uint64_t h;        /* its hash so far */
    int pending_gap;
} Norm;

static void norm_char(Norm *m, Py_UCS4 ch) {
    if (!m->wlen) {
        for (; m->pending_gap && m->nwords; m->pending_gap--) {  /* (a gap before the first word is dropped) */
            m->starts[m->nwords] = m->nchars;
            m->hashes[m->nwords++] = GAP_HASH;
            memcpy(m->chars + m->nchars, U"_gap_ ", 6 * sizeof(Py_UCS4));
            m->nchars += 6;
        }
        m->pending_gap = 0;
        m->starts[m->nwords] = m->nchars;
        m->h = FNV_OFFSET;
    }
    m->chars[m->nchars++] = ch;
    m->h = hash_step(m->h, ch);
    m->wlen++;
}

static void norm_end_word(Norm *m) {
    if (!m->wlen) return;
    m->hashes[m->nwords++] = hash_done(m->h);
    m->chars[m->nchars++] = ' ';
    m->wlen = 0;
}

/* norm_hashes of ASCII text (most paragraphs): case folded, apostrophes dropped and words read
   in one pass over the bytes, the normalised text written as bytes (one-byte str): ~3x quicker
   than the general path below, which reads and writes 4-byte characters. The same words, text
   and hashes (a test compares the two). */
static PyObject *norm_hashes_ascii(PyObject *text) {
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    /* at most len / 2 + 1 words and as many gaps (6 characters with a space each) */
    Py_UCS1 *chars = PyMem_Malloc(7 * len + 8);
    uint64_t *hashes = PyMem_Malloc(sizeof(uint64_t) * (len + 1));
    Py_ssize_t *starts = PyMem_Malloc(sizeof(Py_ssize_t) * (len + 1));
    PyObject *result = NULL;
    if (!chars || !hashes || !starts) { PyErr_NoMemory(); goto done; }
    Py_ssize_t nchars = 0, nwords = 0, wlen = 0;
    int pending_gap = 0, dots = 0;
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t i = 0; i <= len; i++) {
        Py_UCS1 ch = i < len ? s[i] : ' ';
        if (ch == '\'' || ch == '`') continue;  /* dropped: "don't" is "dont", ".'.." is an ellipsis */
        if (ch >= 'A' && ch <= 'Z') ch |= 0x20;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') {
            if (dots >= 3) pending_gap++;
            dots = 0;
            if (!wlen) {
                for (; pending_gap && nwords; pending_gap--) {  /* (a gap before the first word is dropped) */
                    starts[nwords] = nchars;
                    hashes[nwords++] = GAP_HASH;
                    memcpy(chars + nchars, "_gap_ ", 6);
                    nchars += 6;
                }
                pending_gap = 0;
                starts[nwords] = nchars;
                h = FNV_OFFSET;
            }
            chars[nchars++] = ch;
            h = hash_step(h, ch);
            wlen++;
            continue;
        }
        if (wlen) {
            hashes[nwords++] = hash_done(h);
            chars[nchars++] = ' ';
            wlen = 0;
        }
        if (ch == '.') {
            dots++;
        } else {
            if (dots >= 3) pending_gap++;
            dots = 0;
        }
    }
    /* no `_gap_` word (a literal one of the text's own included) at either end */
    Py_ssize_t lo = 0, hi = nwords;
    while (lo < hi && hashes[lo] == GAP_HASH) lo++;
    while (hi > lo && hashes[hi - 1] == GAP_HASH) hi--;
    Py_ssize_t size = 0;
    for (Py_ssize_t k = lo; k < hi; k++) size += hashes[k] != GAP_HASH;
    Py_ssize_t from = lo < hi ? starts[lo] : 0, to = lo < hi ? (hi < nwords ? starts[hi] : nchars) - 1 : 0;
    PyObject *norm = PyUnicode_New(to - from, 127);
    if (norm) memcpy(PyUnicode_1BYTE_DATA(norm), chars + from, to - from);
    PyObject *hb = PyBytes_FromStringAndSize((const char *)(hashes + lo), (hi - lo) * (Py_ssize_t)sizeof(uint64_t));
    if (norm && hb) result = Py_BuildValue("(OOnO)", norm, hb, size, size < hi - lo ? Py_True : Py_False);
    Py_XDECREF(norm);
    Py_XDECREF(hb);
done:
    PyMem_Free(chars);
    PyMem_Free(hashes);
    PyMem_Free(starts);
    return result;
}

static PyObject *norm_hashes_wide(PyObject *Py_UNUSED(module), PyObject *text);

static PyObject *norm_hashes(PyObject *module, PyObject *text) {
    if (PyUnicode_Check(text) && PyUnicode_IS_ASCII(text)) return norm_hashes_ascii(text);
    return norm_hashes_wide(module, text);
}

/* The general path: any text, as 4-byte characters. */
static PyObject *norm_hashes_wide(PyObject *Py_UNUSED(module), PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be a str");
        return NULL;
    }
    PyObject *folded = PyObject_CallMethod(text, "casefold", NULL);
    if (!folded) return NULL;
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);
    Py_ssize_t len = PyUnicode_GET_LENGTH(folded), n = 0;
    /* at most n words and n gaps, each gap 6 characters with its space */
    Norm m = {PyMem_Malloc(sizeof(Py_UCS4) * (7 * len + 8)), 0, PyMem_Malloc(sizeof(uint64_t) * (len + 1)),
              PyMem_Malloc(sizeof(Py_ssize_t) * (len + 1)), 0, 0, 0, 0};
    Py_UCS4 *text_ = PyMem_Malloc(sizeof(Py_UCS4) * (len + 1));
    PyObject *result = NULL;
    if (!m.chars || !m.hashes || !m.starts || !text_) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < len; i++) {  /* apostrophes dropped first: "don't" is "dont", "a..'.b" has a gap */
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (!is_apostrophe(ch)) text_[n++] = ch;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = text_[i];
        if (is_word_char(ch)) { norm_char(&m, ch); continue; }
        norm_end_word(&m);
        if (ch == 0x2026) {  /* … */
            m.pending_gap++;
        } else if (ch == '.' && i + 2 < n && text_[i + 1] == '.' && text_[i + 2] == '.') {
            m.pending_gap++;
            while (i + 1 < n && text_[i + 1] == '.') i++;
        }
    }
    norm_end_word(&m);
    /* no `_gap_` word (a literal one of the text's own included) at either end */
    Py_ssize_t lo = 0, hi = m.nwords;
    while (lo < hi && m.hashes[lo] == GAP_HASH) lo++;
    while (hi > lo && m.hashes[hi - 1] == GAP_HASH) hi--;
    Py_ssize_t size = 0;
    for (Py_ssize_t k = lo; k < hi; k++) size += m.hashes[k] != GAP_HASH;
    Py_ssize_t from = lo < hi ? m.starts[lo] : 0, to = lo < hi ? (hi < m.nwords ? m.starts[hi] : m.nchars) - 1 : 0;
    PyObject *norm = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, m.chars + from, to - from);
    PyObject *hashes = PyBytes_FromStringAndSize((const char *)(m.hashes + lo), (hi - lo) * (Py_ssize_t)sizeof(uint64_t));
    if (norm && hashes) result = Py_BuildValue("(OOnO)", norm, hashes, size, size < hi - lo ? Py_True : Py_False);
    Py_XDECREF(norm);
    Py_XDECREF(hashes);
done:
    PyMem_Free(text_);
    PyMem_Free(m.chars);
    PyMem_Free(m.hashes);
    PyMem_Free(m.starts);
    Py_DECREF(folded);
    return result;
}

/* ---- unique_terms: a story's search terms (the distinct words of the case-folded text, as
   text.words() has them, less those in `skip`) as ONE string, joined by NUL: a page's ~600
   distinct words never become str objects in the worker (they travel to the importing process
   joined by NUL anyway). */

typedef struct {
    uint64_t h;         /* 0: empty */
    int src;            /* 0: the text, 1: skip */
    Py_ssize_t start, len;
    Py_ssize_t count;   /* occurrences in the text (word_counts) */
} Term;

typedef struct {
    Term *slots;
    size_t mask, used;
    PyObject *strs[3];  /* the text (case-folded), skip and wanted (word_counts) */
} Terms;

static int term_eq(Terms *t, const Term *a, int src, Py_ssize_t start, Py_ssize_t len) {
    if (a->len != len) return 0;
    PyObject *x = t->strs[a->src], *y = t->strs[src];
    int kx = PyUnicode_KIND(x), ky = PyUnicode_KIND(y);
    const void *dx = PyUnicode_DATA(x), *dy = PyUnicode_DATA(y);
    for (Py_ssize_t i = 0; i < len; i++) {
        if (PyUnicode_READ(kx, dx, a->start + i) != PyUnicode_READ(ky, dy, start + i)) return 0;
    }
    return 1;
}

static int terms_grow(Terms *t) {
    Term *slots = rehash(t->slots, &t->mask, sizeof(Term), t->mask ? t->mask + 1 : 1024);
    if (!slots) return -1;
    t->slots = slots;
    return 0;
}

/* Adds the span if new: 1 added, 0 seen already (the entry found in *found), -1 error. */
static int terms_add(Terms *t, int src, Py_ssize_t start, Py_ssize_t len, uint64_t h, Term **found) {
    if (!t->slots || (t->used + 1) * 2 > t->mask + 1) {
        if (terms_grow(t) < 0) return -1;
    }
    size_t i = (size_t)h & t->mask;
    for (;;) {
        Term *e = &t->slots[i];
        if (!e->h) {
            e->h = h; e->src = src; e->start = start; e->len = len; e->count = 0;
            t->used++;
            *found = e;
            return 1;
        }
        if (e->h == h && term_eq(t, e, src, start, len)) { *found = e; return 0; }
        i = (i + 1) & t->mask;
    }
}

/* The NUL-separated parts of strs[src] as entries of that source (a part already there stays
   as it was: skip, source 1, wins over wanted, source 2). */
static int terms_load(Terms *t, int src) {
    Term *e;
    PyObject *skip = t->strs[src];
    int ks = PyUnicode_KIND(skip);
    const void *ds = PyUnicode_DATA(skip);
    Py_ssize_t ns = PyUnicode_GET_LENGTH(skip);
    for (Py_ssize_t i = 0, start = 0; i <= ns; i++) {
        if (i < ns && PyUnicode_READ(ks, ds, i) != 0) continue;
        if (i > start) {
            uint64_t h = FNV_OFFSET;
            for (Py_ssize_t k = start; k < i; k++) h = hash_step(h, PyUnicode_READ(ks, ds, k));
            if (terms_add(t, src, start, i - start, hash_done(h), &e) < 0) return -1;
        }
        start = i + 1;
    }
    return 0;
}

/* unique_terms of ASCII text and skip (most stories): the text lower-cased into a byte buffer
   (casefold is lower for ASCII), words read and compared as bytes, a slot of 16 bytes a term,
   the result a one-byte str: ~2.5x quicker than the general path below, which reads 4-byte
   characters through their kind and starts from the casefolded str. The same terms, in the
   same order (a test compares the two). */
typedef struct {
    uint64_t h;      /* 0: empty */
    uint64_t pre;    /* the term's first 8 bytes (zero-padded) */
    uint32_t start;  /* in the lowered text, or in skip when `len` has its top bit */
    uint32_t len;
} ATerm;

#define ATERM_SKIP 0x80000000u

static inline uint64_t load_pre(const Py_UCS1 *w, uint32_t n) {
    uint64_t x = 0;
    for (uint32_t k = 0; k < n && k < 8; k++) x |= (uint64_t)w[k] << (8 * k);
    return x;
}

/* The same, from a buffer with 8 bytes to spare after the word (the lowered text): one load. */
static inline uint64_t load_pre_padded(const Py_UCS1 *w, uint32_t n) {
#if PY_BIG_ENDIAN
    return load_pre(w, n);  /* (the one load below puts the word's bytes low on little-endian only) */
#else
    uint64_t x;
    memcpy(&x, w, 8);
    return n >= 8 ? x : x & ((1ULL << (8 * n)) - 1);
#endif
}

/* A term's hash from its bytes 8 at a time (its first 8 are `pre`). Never 0. */
static inline uint64_t aterm_hash(const Py_UCS1 *w, uint32_t n, uint64_t pre, int padded) {
    uint64_t h = (FNV_OFFSET ^ n) * FNV_PRIME;
    h = (h ^ pre) * 0x9E3779B97F4A7C15ULL;
    for (uint32_t k = 8; k < n; k += 8)
        h = (h ^ (padded ? load_pre_padded(w + k, n - k) : load_pre(w + k, n - k))) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    return h ? h : 1;
}

static int aterm_add(ATerm **slots, size_t *mask, size_t *used, const Py_UCS1 *text, const Py_UCS1 *skip,
                     uint32_t start, uint32_t len) {
    /* 1: added, 0: there already, -1: no memory */
    if ((*used + 1) * 4 > (*mask + 1) * 3) {  /* (at most 3/4 full) */
        ATerm *grown = rehash(*slots, mask, sizeof(ATerm), 0);
        if (!grown) return -1;
        *slots = grown;
    }
    int padded = !(len & ATERM_SKIP);
    const Py_UCS1 *word = padded ? text + start : skip + start;
    uint32_t n = len & ~ATERM_SKIP;
    uint64_t pre = padded ? load_pre_padded(word, n) : load_pre(word, n), h = aterm_hash(word, n, pre, padded);
    for (size_t i = (size_t)h & *mask;; i = (i + 1) & *mask) {
        ATerm *e = &(*slots)[i];
        if (!e->h) {
            e->h = h; e->pre = pre; e->start = start; e->len = len;
            (*used)++;
            return 1;
        }
        if (e->h == h && e->pre == pre && (e->len & ~ATERM_SKIP) == n
            && (n <= 8 || memcmp((e->len & ATERM_SKIP) ? skip + e->start + 8 : text + e->start + 8, word + 8, n - 8) == 0))
            return 0;
    }
}

static unsigned char ASCII_WORD[256];  /* 1 for [a-z0-9_] (the text is lowered first) */

static PyObject *unique_terms_ascii(PyObject *text, PyObject *skip) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), ns = PyUnicode_GET_LENGTH(skip);
    const Py_UCS1 *raw = PyUnicode_1BYTE_DATA(text), *sk = PyUnicode_1BYTE_DATA(skip);
    Py_UCS1 *low = PyMem_Malloc(n + 8), *out = PyMem_Malloc(n + 1);
    ATerm *slots = NULL;
    size_t mask = 0, used = 0;
    PyObject *result = NULL;
    Py_ssize_t nout = 0;
    /* room for ~1 distinct term in 12 characters (news text: ~1 in 18) before the table grows */
    mask = 63;
    while ((mask + 1) * 12 < (size_t)n) mask = mask * 2 + 1;
    slots = PyMem_Calloc(mask + 1, sizeof(ATerm));
    if (!low || !out || !slots) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS1 ch = raw[i];
        low[i] = (ch >= 'A' && ch <= 'Z') ? ch | 0x20 : ch;
    }
    memset(low + n, 0, 8);
    for (Py_ssize_t i = 0, start = 0; i <= ns; i++) {  /* the skip terms, joined by NUL */
        if (i < ns && sk[i] != 0) continue;
        if (i > start && aterm_add(&slots, &mask, &used, low, sk, (uint32_t)start, (uint32_t)(i - start) | ATERM_SKIP) < 0)
            goto done;
        start = i + 1;
    }
    for (Py_ssize_t i = 0; i < n;) {
        while (i < n && !ASCII_WORD[low[i]]) i++;
        Py_ssize_t start = i;
        while (i < n && ASCII_WORD[low[i]]) i++;
        if (i == start) break;
        int added = aterm_add(&slots, &mask, &used, low, sk, (uint32_t)start, (uint32_t)(i - start));
        if (added < 0) goto done;
        if (added) {
            if (nout) out[nout++] = 0;
            memcpy(out + nout, low + start, i - start);
            nout += i - start;
        }
    }
    result = PyUnicode_New(nout, 127);
    if (result) memcpy(PyUnicode_1BYTE_DATA(result), out, nout);
done:
    PyMem_Free(low);
    PyMem_Free(out);
    PyMem_Free(slots);
    return result;
}

static PyObject *unique_terms_wide(PyObject *Py_UNUSED(module), PyObject *args);

static PyObject *unique_terms(PyObject *module, PyObject *args) {
    PyObject *text, *skip;
    if (PyTuple_GET_SIZE(args) == 2 && PyUnicode_Check(text = PyTuple_GET_ITEM(args, 0))
        && PyUnicode_Check(skip = PyTuple_GET_ITEM(args, 1)) && PyUnicode_IS_ASCII(text) && PyUnicode_IS_ASCII(skip)
        && PyUnicode_GET_LENGTH(text) < 0x7fffffff && PyUnicode_GET_LENGTH(skip) < 0x7fffffff)
        return unique_terms_ascii(text, skip);
    return unique_terms_wide(module, args);
}

/* The general path: any text. */
static PyObject *unique_terms_wide(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *text, *skip;
    if (!PyArg_ParseTuple(args, "UU:unique_terms", &text, &skip)) return NULL;
    PyObject *folded = PyObject_CallMethod(text, "casefold", NULL);
    if (!folded) return NULL;
    Terms t = {NULL, 0, 0, {folded, skip, NULL}};
    Py_UCS4 *out = NULL;
    PyObject *result = NULL;
    Py_ssize_t nout = 0;
    Term *e;
    if (terms_load(&t, 1) < 0) goto done;
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    out = PyMem_Malloc(sizeof(Py_UCS4) * (n + 1));
    if (!out) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n;) {
        while (i < n && !is_word_char(PyUnicode_READ(kind, data, i))) i++;
        Py_ssize_t start = i;
        uint64_t h = FNV_OFFSET;
        for (; i < n; i++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, i);
            if (!is_word_char(ch)) break;
            h = hash_step(h, ch);
        }
        if (i == start) break;
        int added = terms_add(&t, 0, start, i - start, hash_done(h), &e);
        if (added < 0) goto done;
        if (added) {
            if (nout) out[nout++] = 0;
            for (Py_ssize_t k = start; k < i; k++) out[nout++] = PyUnicode_READ(kind, data, k);
        }
    }
    result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, nout);
done:
    PyMem_Free(out);
    PyMem_Free(t.slots);
    Py_DECREF(folded);
    return result;
}

/* ---- word_counts: related.fingerprint_text's word counts (collections.Counter(text.words(text))
   less the words in skip), with no str made for a word seen again or skipped; only the counts a
   fingerprint can use are returned (see related._counts). The skip words (the same str every
   call: related's stop words) are hashed once and kept. */

static Terms SKIP = {NULL, 0, 0, {NULL, NULL, NULL}};

static Term *terms_find(Terms *t, PyObject *from, Py_ssize_t start, Py_ssize_t len, uint64_t h) {
    if (!t->slots) return NULL;
    PyObject *keep = t->strs[0];
    t->strs[0] = from;  /* (term_eq reads the probe from strs[src] with src 0) */
    Term *found = NULL;
    for (size_t i = (size_t)h & t->mask; t->slots[i].h; i = (i + 1) & t->mask) {
        if (t->slots[i].h == h && term_eq(t, &t->slots[i], 0, start, len)) { found = &t->slots[i]; break; }
    }
    t->strs[0] = keep;
    return found;
}

static int skip_cached(PyObject *skip) {
    if (SKIP.strs[1] == skip) return 0;
    PyMem_Free(SKIP.slots);
    Py_XDECREF(SKIP.strs[1]);
    SKIP.slots = NULL; SKIP.mask = 0; SKIP.used = 0;
    Py_INCREF(skip);
    SKIP.strs[1] = skip;
    if (terms_load(&SKIP, 1) < 0) {
        PyMem_Free(SKIP.slots);
        SKIP.slots = NULL; SKIP.mask = 0; SKIP.used = 0;
        Py_DECREF(skip);
        SKIP.strs[1] = NULL;
        return -1;
    }
    return 0;
}

static PyObject *word_counts(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *text, *skip, *wanted;
    if (!PyArg_ParseTuple(args, "UUO:word_counts", &text, &skip, &wanted)) return NULL;
    if (wanted != Py_None && !PyUnicode_CheckExact(wanted)) {
        PyErr_SetString(PyExc_TypeError, "wanted must be a str or None");
        return NULL;
    }
    if (skip_cached(skip) < 0) return NULL;
    PyObject *folded = PyObject_CallMethod(text, "casefold", NULL);
    if (!folded) return NULL;
    int every = wanted == Py_None;
    int kind = PyUnicode_KIND(folded);
    const void *data = PyUnicode_DATA(folded);
    Py_ssize_t n = PyUnicode_GET_LENGTH(folded);
    size_t cap = 64;
    while (cap < (size_t)n / 4) cap <<= 1;
    Terms t = {NULL, cap - 1, 0, {folded, NULL, every ? NULL : wanted}};
    PyObject *counts = NULL, *heavy = NULL, *result = NULL;
    Term *e;
    if (!every && terms_load(&t, 2) < 0) goto done;
    for (Py_ssize_t i = 0; i < n;) {
        while (i < n && !is_word_char(PyUnicode_READ(kind, data, i))) i++;
        Py_ssize_t start = i;
        uint64_t h = FNV_OFFSET;
        for (; i < n; i++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, i);
            if (!is_word_char(ch)) break;
            h = hash_step(h, ch);
        }
        if (i == start) break;
        h = hash_done(h);
        if (terms_find(&SKIP, folded, start, i - start, h)) continue;
        if (terms_add(&t, 0, start, i - start, h, &e) < 0) goto done;
        e->count++;
    }
    counts = PyDict_New();
    heavy = PyList_New(0);
    if (!counts || !heavy) goto done;
    for (size_t j = 0; t.slots && j <= t.mask; j++) {
        Term *x = &t.slots[j];
        if (!x->h || x->count == 0) continue;
        PyObject *from = t.strs[x->src];
        int fk = PyUnicode_KIND(from);
        const void *fd = PyUnicode_DATA(from);
        int letters = 1;
        for (Py_ssize_t k = x->start; k < x->start + x->len && letters; k++) {
            letters = Py_UNICODE_ISALPHA(PyUnicode_READ(fk, fd, k));
        }
        int repeated = x->count > 1 || !letters;
        if (!(every || repeated || x->src == 2)) continue;
        PyObject *word = PyUnicode_Substring(from, x->start, x->start + x->len);
        if (!word) goto done;
        PyObject *num = PyLong_FromSsize_t(x->count);
        int bad = !num || PyDict_SetItem(counts, word, num) < 0 || (repeated && PyList_Append(heavy, word) < 0);
        Py_XDECREF(num);
        Py_DECREF(word);
        if (bad) goto done;
    }
    result = PyTuple_Pack(2, counts, heavy);
done:
    Py_XDECREF(counts);
    Py_XDECREF(heavy);
    PyMem_Free(t.slots);
    Py_DECREF(folded);
    return result;
}

/* ---- TermIds: the search vocabulary's ids by term, for the importing process (search/segments.py
   Vocab.ids_of). A batch's terms arrive as strings of words joined by NUL (as the workers send
   them); they are hashed and looked up here, so no str is made per term (splitting them and
   looking each up in a dict was ~0.17 ms of the importing process a page at 100,000 stories). */

typedef struct {
    uint64_t h;        /* 0: empty */
    uint64_t pre;      /* a term of chars < 256: its first (up to) 8 chars as bytes, zero-padded;
                          WIDE_PRE otherwise (then, or when a term's bytes make WIDE_PRE, the chars
                          are compared). A one-byte term of up to 8 chars is matched without
                          reading `chars`: one memory access a lookup, not two. */
    Py_ssize_t off;    /* in chars */
    int32_t id;
    int32_t len;
} IdSlot;

#define WIDE_PRE UINT64_MAX

typedef struct {
    PyObject_HEAD
    IdSlot *slots;
    size_t mask, used;
    Py_UCS4 *chars;
    Py_ssize_t nchars, capchars;
    int32_t next_id;
} TermIds;

static int ids_grow(TermIds *t) {
    IdSlot *slots = rehash(t->slots, &t->mask, sizeof(IdSlot), 1024);
    if (!slots) return -1;
    t->slots = slots;
    return 0;
}

/* The slot of the term (kind/data from start, len chars), or of the empty slot where it goes. */
static IdSlot *ids_probe(TermIds *t, int kind, const void *data, Py_ssize_t start, Py_ssize_t len, uint64_t h) {
    for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
        IdSlot *e = &t->slots[i];
        if (!e->h) return e;
        if (e->h == h && e->len == len) {
            const Py_UCS4 *c = t->chars + e->off;
            Py_ssize_t k = 0;
            while (k < len && c[k] == PyUnicode_READ(kind, data, start + k)) k++;
            if (k == len) return e;
        }
    }
}

/* ids_probe for a term of one-byte chars (most text): no kind switch a char, and the first 8
   chars compared as one word (IdSlot.pre). */
static IdSlot *ids_probe1(TermIds *t, const Py_UCS1 *s, Py_ssize_t len, uint64_t h) {
    uint64_t pre = 0;
    memcpy(&pre, s, (size_t)(len < 8 ? len : 8));
    for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
        IdSlot *e = &t->slots[i];
        if (!e->h) return e;
        if (e->h == h && e->len == len) {
            Py_ssize_t k = 0;
            if (e->pre != WIDE_PRE) {
                if (e->pre != pre) continue;
                if (len <= 8) return e;
                k = 8;
            }
            const Py_UCS4 *c = t->chars + e->off;
            while (k < len && c[k] == s[k]) k++;
            if (k == len) return e;
        }
    }
}

/* IdSlot.pre of a term (kind/data, len chars). */
static uint64_t term_pre(int kind, const void *data, Py_ssize_t len) {
    uint64_t pre = 0;
    unsigned char *b = (unsigned char *)&pre;
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        if (ch > 0xFF) return WIDE_PRE;
        if (k < 8) b[k] = (unsigned char)ch;
    }
    return pre;
}

static uint64_t span_hash(int kind, const void *data, Py_ssize_t start, Py_ssize_t len) {
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t k = start; k < start + len; k++) h = hash_step(h, PyUnicode_READ(kind, data, k));
    return hash_done(h);
}

static PyObject *TermIds_add(TermIds *self, PyObject *args) {
    PyObject *terms;
    long first;
    if (!PyArg_ParseTuple(args, "Ol:add", &terms, &first)) return NULL;
    if (!PyList_CheckExact(terms)) {
        PyErr_SetString(PyExc_TypeError, "terms must be a list of str");
        return NULL;
    }
    if (first != self->next_id) {
        PyErr_Format(PyExc_ValueError, "the next id is %ld, not %ld", (long)self->next_id, first);
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(terms);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(terms, i))) {
            PyErr_SetString(PyExc_TypeError, "terms must be a list of str");
            return NULL;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = PyList_GET_ITEM(terms, i);
        Py_ssize_t len = PyUnicode_GET_LENGTH(w);
        if (len > INT32_MAX || self->next_id == INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "too many or too long terms");
            return NULL;
        }
        if ((self->used + 1) * 2 > (self->slots ? self->mask + 1 : 0) && ids_grow(self) < 0) return NULL;
        int kind = PyUnicode_KIND(w);
        const void *data = PyUnicode_DATA(w);
        uint64_t h = span_hash(kind, data, 0, len);
        IdSlot *e = ids_probe(self, kind, data, 0, len, h);
        if (e->h) {
            PyErr_Format(PyExc_ValueError, "the term %R is there already", w);
            return NULL;
        }
        if (self->nchars + len > self->capchars) {
            Py_ssize_t cap = self->capchars ? self->capchars : 4096;
            while (cap < self->nchars + len) cap *= 2;
            Py_UCS4 *chars = PyMem_Realloc(self->chars, sizeof(Py_UCS4) * cap);
            if (!chars) { PyErr_NoMemory(); return NULL; }
            self->chars = chars;
            self->capchars = cap;
        }
        for (Py_ssize_t k = 0; k < len; k++) self->chars[self->nchars + k] = PyUnicode_READ(kind, data, k);
        e->h = h; e->id = self->next_id++; e->len = (int32_t)len; e->off = self->nchars;
        e->pre = term_pre(kind, data, len);
        self->nchars += len;
        self->used++;
    }
    Py_RETURN_NONE;
}

/* A term not in the table (chars start..end of part p): its number among this lookup's unknown
   terms (a new one is appended to `unknown`), stored in *slot as -1 - number. -1 on error. */
static int note_unknown(PyObject *p, Py_ssize_t start, Py_ssize_t end, PyObject *seen, PyObject *unknown,
                        int32_t *slot) {
    PyObject *w = PyUnicode_Substring(p, start, end);
    if (!w) return -1;
    PyObject *k = PyDict_GetItemWithError(seen, w);  /* borrowed */
    if (!k && !PyErr_Occurred()) {
        k = PyLong_FromSsize_t(PyList_GET_SIZE(unknown));
        int bad = !k || PyDict_SetItem(seen, w, k) < 0 || PyList_Append(unknown, w) < 0;
        Py_XDECREF(k);  /* (the dict holds it) */
        if (bad) { Py_DECREF(w); return -1; }
    }
    Py_DECREF(w);
    if (!k) return -1;
    *slot = -1 - (int32_t)PyLong_AsSsize_t(k);
    return 0;
}

/* lookup(parts): the ids of the terms of each part (terms joined by NUL; "" holds none) in one
   int32 array, how many terms each part holds (int64), and the distinct terms not known, in the
   order first seen (the k-th of them is -1 - k in the array). */
static PyObject *TermIds_lookup(TermIds *self, PyObject *parts) {
    if (!PyList_CheckExact(parts)) {
        PyErr_SetString(PyExc_TypeError, "parts must be a list of str");
        return NULL;
    }
    Py_ssize_t nparts = PyList_GET_SIZE(parts), total = 0;
    for (Py_ssize_t i = 0; i < nparts; i++) {
        PyObject *p = PyList_GET_ITEM(parts, i);
        if (!PyUnicode_CheckExact(p)) {
            PyErr_SetString(PyExc_TypeError, "parts must be a list of str");
            return NULL;
        }
        int kind = PyUnicode_KIND(p);
        const void *data = PyUnicode_DATA(p);
        Py_ssize_t n = PyUnicode_GET_LENGTH(p), nuls = 0;
        if (kind == PyUnicode_1BYTE_KIND) {
            for (const Py_UCS1 *b = data, *z; (z = memchr(b, 0, (size_t)(n - (b - (const Py_UCS1 *)data)))); b = z + 1) nuls++;
        } else {
            for (Py_ssize_t k = 0; k < n; k++) nuls += PyUnicode_READ(kind, data, k) == 0;
        }
        total += n ? nuls + 1 : 0;  /* its terms (empty ones too) */
    }
    if (!self->slots && ids_grow(self) < 0) return NULL;
    int32_t *out = PyMem_Malloc(sizeof(int32_t) * (total + 1));
    int64_t *counts = PyMem_Malloc(sizeof(int64_t) * (nparts + 1));
    PyObject *unknown = PyList_New(0), *seen = PyDict_New(), *result = NULL;
    if (!out || !counts || !unknown || !seen) { if (!PyErr_Occurred()) PyErr_NoMemory(); goto done; }
    Py_ssize_t nout = 0;
    for (Py_ssize_t i = 0; i < nparts; i++) {
        PyObject *p = PyList_GET_ITEM(parts, i);
        int kind = PyUnicode_KIND(p);
        const void *data = PyUnicode_DATA(p);
        Py_ssize_t n = PyUnicode_GET_LENGTH(p), before = nout;
        if (kind == PyUnicode_1BYTE_KIND) {  /* most text: memchr for the NULs, bytes hashed as they are */
            const Py_UCS1 *b = data;
            for (Py_ssize_t start = 0; n && start <= n;) {
                const Py_UCS1 *z = memchr(b + start, 0, (size_t)(n - start));
                Py_ssize_t end = z ? z - b : n, len = end - start;
                uint64_t h = FNV_OFFSET;
                for (Py_ssize_t k = start; k < end; k++) h = hash_step(h, b[k]);
                IdSlot *e = ids_probe1(self, b + start, len, hash_done(h));
                if (e->h) out[nout++] = e->id;
                else if (note_unknown(p, start, end, seen, unknown, &out[nout++]) < 0) goto done;
                start = end + 1;
            }
        } else {
            for (Py_ssize_t start = 0; n && start <= n;) {
                Py_ssize_t end = start;
                while (end < n && PyUnicode_READ(kind, data, end) != 0) end++;
                Py_ssize_t len = end - start;
                IdSlot *e = ids_probe(self, kind, data, start, len, span_hash(kind, data, start, len));
                if (e->h) out[nout++] = e->id;
                else if (note_unknown(p, start, end, seen, unknown, &out[nout++]) < 0) goto done;
                start = end + 1;
            }
        }
        counts[i] = nout - before;
    }
    PyObject *ids = PyBytes_FromStringAndSize((const char *)out, sizeof(int32_t) * nout);
    PyObject *cnt = PyBytes_FromStringAndSize((const char *)counts, sizeof(int64_t) * nparts);
    if (ids && cnt) result = PyTuple_Pack(3, ids, cnt, unknown);
    Py_XDECREF(ids);
    Py_XDECREF(cnt);
done:
    PyMem_Free(out);
    PyMem_Free(counts);
    Py_XDECREF(unknown);
    Py_XDECREF(seen);
    return result;
}

static PyObject *TermIds_len(TermIds *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromSize_t(self->used);
}

static void TermIds_dealloc(TermIds *self) {
    PyMem_Free(self->slots);
    PyMem_Free(self->chars);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef TermIds_methods[] = {
    {"add", (PyCFunction)TermIds_add, METH_VARARGS,
     "add(terms, first): ids first, first + 1, ... for these new terms, in order (first must be the next id)"},
    {"lookup", (PyCFunction)TermIds_lookup, METH_O,
     "lookup(parts): (int32 ids of each part's NUL-joined terms, -1-k for the k-th unknown; int64 terms per part; "
     "unknown terms)"},
    {"size", (PyCFunction)TermIds_len, METH_NOARGS, "terms held"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TermIdsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "reader._native.TermIds",
    .tp_basicsize = sizeof(TermIds),
    .tp_dealloc = (destructor)TermIds_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The search vocabulary's term ids by term (see search/segments.py Vocab).",
    .tp_methods = TermIds_methods,
    .tp_new = PyType_GenericNew,
};

/* pluck(rows, names, defaults): one list per name of that field of every row (dicts), each row
   visited once (its table in cache for all its fields), not once per name; a row without the
   field gives that name's default. TypeError when a row is not a dict. */
static PyObject *pluck(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *rows, *names, *defaults;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &rows, &PyTuple_Type, &names, &PyTuple_Type, &defaults))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(rows), k = PyTuple_GET_SIZE(names);
    if (PyTuple_GET_SIZE(defaults) != k) {
        PyErr_SetString(PyExc_ValueError, "one default for each name");
        return NULL;
    }
    PyObject *out = PyTuple_New(k);
    if (!out) return NULL;
    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *col = PyList_New(n);
        if (!col) { Py_DECREF(out); return NULL; }
        PyTuple_SET_ITEM(out, j, col);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!PyDict_Check(row)) {
            PyErr_SetString(PyExc_TypeError, "a row that is not a dict");
            Py_DECREF(out);
            return NULL;
        }
        for (Py_ssize_t j = 0; j < k; j++) {
            PyObject *name = PyTuple_GET_ITEM(names, j);
            PyObject *v = PyDict_GetItemWithError(row, name);
            if (!v) {
                if (PyErr_Occurred()) {
                    Py_DECREF(out);
                    return NULL;
                }
                v = PyTuple_GET_ITEM(defaults, j);
            }
            Py_INCREF(v);
            PyList_SET_ITEM(PyTuple_GET_ITEM(out, j), i, v);
        }
    }
    return out;
}

/* codes(values): (the native int64 number of each value in the list of its distinct values, as
   bytes; that list, in order of first appearance). The values must be hashable. */
static PyObject *codes(PyObject *Py_UNUSED(module), PyObject *values) {
    if (!PyList_Check(values)) {
        PyErr_SetString(PyExc_TypeError, "codes() takes a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(values);
    PyObject *seen = PyDict_New(), *distinct = PyList_New(0);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int64_t));
    if (!seen || !distinct || !out) goto fail;
    int64_t *at = (int64_t *)PyBytes_AS_STRING(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PyList_GET_ITEM(values, i);
        PyObject *code = PyDict_GetItemWithError(seen, v);
        if (code) {
            at[i] = (int64_t)PyLong_AsLongLong(code);
            continue;
        }
        if (PyErr_Occurred()) goto fail;
        Py_ssize_t next = PyList_GET_SIZE(distinct);
        PyObject *num = PyLong_FromSsize_t(next);
        if (!num) goto fail;
        int bad = PyDict_SetItem(seen, v, num) < 0 || PyList_Append(distinct, v) < 0;
        Py_DECREF(num);
        if (bad) goto fail;
        at[i] = (int64_t)next;
    }
    Py_DECREF(seen);
    PyObject *res = PyTuple_Pack(2, out, distinct);
    Py_DECREF(out);
    Py_DECREF(distinct);
    return res;
fail:
    Py_XDECREF(seen);
    Py_XDECREF(distinct);
    Py_XDECREF(out);
    return NULL;
}

/* instances(cls, names, columns, consts, n): n instances of `cls` (a class with __slots__ and no
   __init__ logic of its own, such as a slots dataclass), each slot `names[k]` set to columns[k][i]
   when columns[k] is a list, else to consts[k]; every slot of the class must be named. The
   story list's 100,000 rows at start-up: ~0.13 s through the dataclass's __init__ (29 keyword
   assignments a row), a fraction of that here. */
static PyObject *instances(PyObject *Py_UNUSED(module), PyObject *args) {
    PyTypeObject *cls;
    PyObject *names, *columns, *consts;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "O!O!O!O!n:instances", &PyType_Type, &cls, &PyTuple_Type, &names, &PyTuple_Type,
                          &columns, &PyTuple_Type, &consts, &n))
        return NULL;
    Py_ssize_t k = PyTuple_GET_SIZE(names);
    if (PyTuple_GET_SIZE(columns) != k || PyTuple_GET_SIZE(consts) != k || n < 0) {
        PyErr_SetString(PyExc_ValueError, "one column and one constant for each name, and n >= 0");
        return NULL;
    }
    /* a class defined in Python with __slots__, no __dict__, on plain objects only (a subclass
       of a built-in type such as str or dict has C state of its own that this would not make) */
    PyTypeObject *base = cls;
    while (base && (base->tp_flags & Py_TPFLAGS_HEAPTYPE)) base = base->tp_base;
    if (cls->tp_dictoffset != 0 || cls->tp_itemsize != 0 || !(cls->tp_flags & Py_TPFLAGS_HEAPTYPE)
        || base != &PyBaseObject_Type) {
        PyErr_SetString(PyExc_TypeError, "the class must be a Python class with __slots__ (no __dict__) over object");
        return NULL;
    }
    /* every slot of the class (and its bases) named once, each an object slot */
    Py_ssize_t *offsets = PyMem_Calloc(k ? k : 1, sizeof(Py_ssize_t));
    PyObject *result = NULL;
    if (!offsets) return PyErr_NoMemory();
    Py_ssize_t slots = 0;
    for (PyTypeObject *t = cls; t && t != &PyBaseObject_Type; t = t->tp_base) {
        for (PyMemberDef *m = t->tp_members; m && m->name; m++) {
            if (m->type != T_OBJECT_EX || (m->flags & READONLY)) continue;
            slots++;
            Py_ssize_t j = 0;
            for (; j < k; j++) {
                const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, j));
                if (!name) goto done;
                if (strcmp(name, m->name) == 0) break;
            }
            if (j == k || offsets[j]) {
                PyErr_Format(PyExc_ValueError, "slot %s is not named once", m->name);
                goto done;
            }
            offsets[j] = m->offset;
        }
    }
    if (slots != k) {
        PyErr_SetString(PyExc_ValueError, "a name that is no slot of the class");
        goto done;
    }
    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *col = PyTuple_GET_ITEM(columns, j);
        if (col != Py_None && (!PyList_Check(col) || PyList_GET_SIZE(col) != n)) {
            PyErr_SetString(PyExc_ValueError, "each column: a list of n values, or None");
            goto done;
        }
    }
    result = PyList_New(n);
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *obj = cls->tp_alloc(cls, 0);
        if (!obj) { Py_CLEAR(result); goto done; }
        PyList_SET_ITEM(result, i, obj);  /* (owned by the list from here: freed with it on an error) */
        for (Py_ssize_t j = 0; j < k; j++) {
            PyObject *col = PyTuple_GET_ITEM(columns, j);
            if (col != Py_None && PyList_GET_SIZE(col) <= i) {  /* (a collection run by an allocation may run any code) */
                PyErr_SetString(PyExc_ValueError, "a column changed size");
                Py_CLEAR(result);
                goto done;
            }
            PyObject *v = col == Py_None ? PyTuple_GET_ITEM(consts, j) : PyList_GET_ITEM(col, i);
            Py_INCREF(v);
            *(PyObject **)((char *)obj + offsets[j]) = v;
        }
    }
done:
    PyMem_Free(offsets);
    return result;
}

/* ---- Search postings (reader/search/engine.py): a posting is a little-endian uint32, a story's
   number shifted left by one with the low bit set where the term is in its title; a term's
   postings are in ascending order. */

ALWAYS_INLINE uint32_t posting_at(const unsigned char *p, Py_ssize_t i) {
    p += 4 * i;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A C-contiguous buffer of items of `size` bytes whose struct format is one of `kinds` (numpy's
   float32 is "f", int64 "l" or "q", uint8 "B"), writable if asked; TypeError otherwise. */
static int typed_buffer(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t size, const char *kinds,
                        const char *what) {
    view->obj = NULL;
    if (PyObject_GetBuffer(obj, view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0)) < 0) {
        view->obj = NULL;  /* (numpy says ValueError for a strided array: a caller's mistake, not damage) */
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: not a contiguous%s array of %zd-byte items", what,
                     writable ? ", writable" : "", size);
        return -1;
    }
    const char *f = view->format ? view->format : "B";
    if (*f == '@' || *f == '=' || *f == '<') f++;
    if (view->itemsize != size || !*f || f[1] || !strchr(kinds, *f)) {
        PyBuffer_Release(view);
        view->obj = NULL;
        PyErr_Format(PyExc_TypeError, "%s: not a contiguous array of %zd-byte items", what, size);
        return -1;
    }
    return 0;
}

#define BIG_POSTINGS (1 << 16) /* postings marked with the GIL released (fewer: not worth the switch) */

/* mark(postings, score, best, title, owner, sid): for each story of `postings` (skipping those
   whose owner[story] is not sid, unless owner is None): best[story] = max(best[story], score),
   and title[story] = 1 where the posting says the term is in its title. best: float32, title:
   uint8, owner: int64 (or None), one each a story; TypeError for other arrays. ValueError for a
   posting past the last story (a damaged index). */
static PyObject *mark(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer post, best, title, owner;
    float score;
    PyObject *best_obj, *title_obj, *owner_obj;
    long long sid;
    if (!PyArg_ParseTuple(args, "y*fOOOL:mark", &post, &score, &best_obj, &title_obj, &owner_obj, &sid)) return NULL;
    PyObject *result = NULL;
    best.obj = title.obj = owner.obj = NULL;
    if (typed_buffer(best_obj, &best, 1, 4, "f", "best") < 0 || typed_buffer(title_obj, &title, 1, 1, "B?", "title") < 0)
        goto done;
    if (owner_obj != Py_None && typed_buffer(owner_obj, &owner, 0, 8, "lq", "owner") < 0) goto done;
    Py_ssize_t stories = title.len / 1;
    if (post.len % 4 || best.len != stories * 4 || (owner.obj && owner.len != stories * 8)) {
        PyErr_SetString(PyExc_TypeError, "postings of whole uint32s; best, title and owner one each a story");
        goto done;
    }
    const unsigned char *p = post.buf;
    float *b = best.buf;
    unsigned char *t = title.buf;
    const int64_t *o = owner.obj ? owner.buf : NULL;
    Py_ssize_t n = post.len / 4, bad = 0;
    PyThreadState *saved = n >= BIG_POSTINGS ? PyEval_SaveThread() : NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t v = posting_at(p, i);
        Py_ssize_t d = (Py_ssize_t)(v >> 1);
        if (d >= stories) {
            bad = 1;
            break;
        }
        if (o && o[d] != sid) continue;
        if (score > b[d]) b[d] = score;
        if (v & 1) t[d] = 1;
    }
    if (saved) PyEval_RestoreThread(saved);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "a posting past the last story");
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    if (owner.obj) PyBuffer_Release(&owner);
    if (title.obj) PyBuffer_Release(&title);
    if (best.obj) PyBuffer_Release(&best);
    PyBuffer_Release(&post);
    return result;
}

/* holds(postings, docs, out, owner, sid): out[i] = 1 where `postings` hold story docs[i] (and
   owner[docs[i]] is sid, unless owner is None); out[i] is left as it is elsewhere. docs: int64,
   out: uint8, one each; owner: int64, one a story (a story past it is nobody's); TypeError for
   other arrays. Each story found by bisection. */
static PyObject *holds(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer post, docs, out, owner;
    PyObject *docs_obj, *out_obj, *owner_obj;
    long long sid;
    if (!PyArg_ParseTuple(args, "y*OOOL:holds", &post, &docs_obj, &out_obj, &owner_obj, &sid)) return NULL;
    PyObject *result = NULL;
    docs.obj = out.obj = owner.obj = NULL;
    if (typed_buffer(docs_obj, &docs, 0, 8, "lq", "docs") < 0 || typed_buffer(out_obj, &out, 1, 1, "B?", "out") < 0)
        goto done;
    if (owner_obj != Py_None && typed_buffer(owner_obj, &owner, 0, 8, "lq", "owner") < 0) goto done;
    if (post.len % 4 || docs.len != out.len * 8) {
        PyErr_SetString(PyExc_TypeError, "postings of whole uint32s, and one int64 story a flag");
        goto done;
    }
    const int64_t *d = docs.buf;
    Py_ssize_t m = out.len, n = post.len / 4;
    const unsigned char *p = post.buf;
    unsigned char *o = out.buf;
    const int64_t *own = owner.obj ? owner.buf : NULL;
    Py_ssize_t stories = owner.obj ? owner.len / 8 : 0;
    for (Py_ssize_t i = 0; i < m; i++) {
        int64_t doc = d[i];
        if (doc < 0 || doc > (int64_t)(UINT32_MAX >> 1)) continue;
        if (own && (doc >= stories || own[doc] != sid)) continue;
        uint32_t want = (uint32_t)doc << 1;
        Py_ssize_t lo = 0, hi = n;
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (posting_at(p, mid) < want) lo = mid + 1;
            else hi = mid;
        }
        if (lo < n && (posting_at(p, lo) >> 1) == (uint32_t)doc) o[i] = 1;
    }
    result = Py_NewRef(Py_None);
done:
    if (owner.obj) PyBuffer_Release(&owner);
    if (out.obj) PyBuffer_Release(&out);
    if (docs.obj) PyBuffer_Release(&docs);
    PyBuffer_Release(&post);
    return result;
}

/* story_fields(raw, lower): a story's searchable text (fields joined by 0x1e, each a code, 0x1f,
   its text) ready to scan, in one pass: (the text with ASCII letters lower-cased, or raw itself
   when lower is false; where each field starts; where each ends; where each field's text starts,
   after its code's 0x1f, or the field's start when it has none). As search/fields.StoryText
   makes them with bytes.lower() and a find() a separator: 0.39 -> 0.11 ms for a 430 KB story. */
static PyObject *story_fields(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *raw;
    int lower;
    if (!PyArg_ParseTuple(args, "Sp:story_fields", &raw, &lower)) return NULL;
    Py_ssize_t n = PyBytes_GET_SIZE(raw);
    const unsigned char *src = (const unsigned char *)PyBytes_AS_STRING(raw);
    PyObject *low = NULL, *starts = NULL, *ends = NULL, *text_at = NULL, *result = NULL;
    if (lower) {
        low = PyBytes_FromStringAndSize(NULL, n);
        if (!low) return NULL;
        unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(low);
        for (Py_ssize_t i = 0; i < n; i++) {  /* branch-free, so the compiler can vectorise it */
            unsigned char c = src[i];
            dst[i] = (unsigned char)(c + ((unsigned char)(c - 'A') < 26u ? 32 : 0));
        }
    } else {
        low = Py_NewRef(raw);
    }
    starts = PyList_New(0);
    ends = PyList_New(0);
    text_at = PyList_New(0);
    if (!starts || !ends || !text_at) goto done;
    /* Fields and codes found by memchr, which skips a field's text many bytes at a time. */
    Py_ssize_t start = 0;
    for (;;) {
        const unsigned char *sep = memchr(src + start, 0x1e, (size_t)(n - start));
        Py_ssize_t end = sep ? sep - src : n;
        const unsigned char *code = memchr(src + start, 0x1f, (size_t)(end - start));
        PyObject *a = PyLong_FromSsize_t(start), *b = PyLong_FromSsize_t(end),
                 *t = PyLong_FromSsize_t(code ? code - src + 1 : start);
        int bad = !a || !b || !t || PyList_Append(starts, a) < 0 || PyList_Append(ends, b) < 0 ||
                  PyList_Append(text_at, t) < 0;
        Py_XDECREF(a);
        Py_XDECREF(b);
        Py_XDECREF(t);
        if (bad) goto done;
        if (!sep) break;
        start = end + 1;
    }
    result = PyTuple_Pack(4, low, starts, ends, text_at);
done:
    Py_XDECREF(low);
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    Py_XDECREF(text_at);
    return result;
}

static PyMethodDef module_methods[] = {
    {"story_fields", story_fields, METH_VARARGS,
     "story_fields(raw, lower): (raw with ASCII letters lower-cased, or raw; where each field (joined by 0x1e) "
     "starts; where each ends; where each one's text starts, after its first 0x1f, or its start)"},
    {"mark", mark, METH_VARARGS,
     "mark(postings, score, best, title, owner, sid): each story of the postings (of segment sid, where owner "
     "says so) scored at least score in best (float32), flagged in title (uint8) where in its title"},
    {"holds", holds, METH_VARARGS,
     "holds(postings, docs, out, owner, sid): out[i] = 1 (uint8) where the postings hold story docs[i] (int64) "
     "of segment sid (where owner says so)"},
    {"instances", instances, METH_VARARGS,
     "instances(cls, names, columns, consts, n): n instances of a __slots__ class made without calling it, "
     "slot names[k] of the i-th set to columns[k][i], or to consts[k] where columns[k] is None"},
    {"codes", codes, METH_O,
     "codes(values): (each value's number in the list of distinct values, as native int64 bytes; that list, "
     "in order of first appearance)"},
    {"pluck", pluck, METH_VARARGS,
     "pluck(rows, names, defaults): a tuple of lists, one per name, of that field of each row (a list of "
     "dicts), or that name's default where a row lacks it"},
    {"word_counts", word_counts, METH_VARARGS,
     "word_counts(text, skip, wanted): ({word: occurrences} of text.casefold()'s words not in skip: every one "
     "if wanted is None, else those occurring more than once, not all letters, or in wanted; [those occurring "
     "more than once or not all letters]) (skip, wanted: words joined by NUL)"},
    {"_unique_terms_wide", unique_terms_wide, METH_VARARGS, "unique_terms by its general path, for any text (tests)"},
    {"unique_terms", unique_terms, METH_VARARGS,
     "unique_terms(text, skip): the distinct words of text.casefold() not in skip, joined by NUL (skip: the same form)"},
    {"_norm_hashes_wide", norm_hashes_wide, METH_O, "norm_hashes by its general path, for any text (tests)"},
    {"norm_hashes", norm_hashes, METH_O,
     "norm_hashes(text): (the words joined by spaces, their 64-bit hashes as bytes, words less gaps, any gap)"},
    {NULL, NULL, 0, NULL},
};

static PyObject *GramIndex_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    (void)args; (void)kwds;
    GramIndex *self = (GramIndex *)type->tp_alloc(type, 0);
    if (self) self->last_key = -1;
    return (PyObject *)self;
}

static PyMethodDef GramIndex_methods[] = {
    {"add", (PyCFunction)GramIndex_add, METH_VARARGS, "add(key, paragraphs): index each paragraph's sampled trigrams"},
    {"shares", (PyCFunction)GramIndex_shares, METH_O, "shares(words): does any trigram of words occur?"},
    {"candidates", (PyCFunction)GramIndex_candidates, METH_O,
     "candidates(words): (sources latest first, fuzzy candidates), or None when none shares a trigram"},
    {"size", (PyCFunction)GramIndex_len, METH_NOARGS, "distinct trigrams indexed"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject GramIndexType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "reader._native.GramIndex",
    .tp_basicsize = sizeof(GramIndex),
    .tp_dealloc = (destructor)GramIndex_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Word-trigram postings of a page's comments (see grams.py).",
    .tp_methods = GramIndex_methods,
    .tp_new = GramIndex_new,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native", "The tokenisers and the thread builder's trigram index, in C.", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void) {
    if (PyType_Ready(&GramIndexType) < 0 || PyType_Ready(&TermIdsType) < 0) return NULL;
    for (int ch = 0; ch < 256; ch++)
        ASCII_WORD[ch] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
    uint64_t h = FNV_OFFSET;
    for (const char *c = "_gap_"; *c; c++) h = hash_step(h, (Py_UCS4)*c);
    GAP_HASH = hash_done(h);
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&GramIndexType);
    if (PyModule_AddObject(m, "GramIndex", (PyObject *)&GramIndexType) < 0) {
        Py_DECREF(&GramIndexType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&TermIdsType);
    if (PyModule_AddObject(m, "TermIds", (PyObject *)&TermIdsType) < 0) {
        Py_DECREF(&TermIdsType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
