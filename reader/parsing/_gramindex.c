/* The thread builder's word-trigram index, in C (optional: reader/parsing/grams.py is the same
 * index in Python, used when this module was not compiled, and the tests check that both give
 * the same threads).
 *
 * A trigram is three consecutive words of a normalised paragraph (a list of str). It is keyed
 * by a 64-bit mix of the three words' own (cached) str hashes, so no tuple is made per trigram:
 * in Python, making and hashing those tuples was a third of building a big page's threads.
 * A collision of two 64-bit keys can only add a candidate, which the caller checks against the
 * candidate's text (exact containment or a fuzzy ratio), so it cannot make a wrong quote.
 *
 * GramIndex.add(key, paragraphs)    index the trigrams at even word positions of each paragraph
 * GramIndex.shares(words)           does any trigram of `words` occur in the index?
 * GramIndex.candidates(words)       the sources sharing enough trigrams (see grams.py)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* The hashes of a list's words, and which are the gap marker `_gap_`. */
static int word_hashes(PyObject *words, Py_hash_t **hashes, char **gaps, Py_ssize_t *n) {
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
        if (!PyUnicode_Check(w)) {
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

static int grow(GramIndex *self) {
    size_t cap = self->slots ? (self->mask + 1) * 2 : 1024;
    Entry *slots = PyMem_Calloc(cap, sizeof(Entry));
    if (!slots) { PyErr_NoMemory(); return -1; }
    if (self->slots) {
        for (size_t i = 0; i <= self->mask; i++) {
            Entry *e = &self->slots[i];
            if (!e->h) continue;
            size_t j = (size_t)e->h & (cap - 1);
            while (slots[j].h) j = (j + 1) & (cap - 1);
            slots[j] = *e;
        }
        PyMem_Free(self->slots);
    }
    self->slots = slots;
    self->mask = cap - 1;
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

static PyObject *GramIndex_add(GramIndex *self, PyObject *args) {
    long key;
    PyObject *paragraphs;
    if (!PyArg_ParseTuple(args, "lO!:add", &key, &PyList_Type, &paragraphs)) return NULL;
    if (key < 0 || key > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "key out of range");
        return NULL;
    }
    for (Py_ssize_t p = 0; p < PyList_GET_SIZE(paragraphs); p++) {
        Py_hash_t *hs; char *gaps; Py_ssize_t n;
        if (word_hashes(PyList_GET_ITEM(paragraphs, p), &hs, &gaps, &n) < 0) return NULL;
        for (Py_ssize_t i = 0; i + 2 < n; i += 2) {  /* even positions: see grams.py */
            if (gaps[i] || gaps[i + 1] || gaps[i + 2]) continue;
            if (insert(self, mix3(hs[i], hs[i + 1], hs[i + 2]), (int32_t)key) < 0) {
                PyMem_Free(hs); PyMem_Free(gaps);
                return NULL;
            }
        }
        PyMem_Free(hs); PyMem_Free(gaps);
    }
    Py_RETURN_NONE;
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
    if (self->counts[key]++ == 0) {
        if (*nt == *capt) {
            Py_ssize_t cap = *capt ? *capt * 2 : 64;
            int32_t *t = PyMem_Realloc(*touched, sizeof(int32_t) * cap);
            if (!t) { PyErr_NoMemory(); return -1; }
            *touched = t;
            *capt = cap;
        }
        (*touched)[(*nt)++] = key;
    }
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
    qsort(grams, m, sizeof(uint64_t), cmp_u64);
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
    qsort(touched, nc, sizeof(int32_t), cmp_desc_i32);
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
    .tp_name = "reader.parsing._gramindex.GramIndex",
    .tp_basicsize = sizeof(GramIndex),
    .tp_dealloc = (destructor)GramIndex_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Word-trigram postings of a page's comments (see grams.py).",
    .tp_methods = GramIndex_methods,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_gramindex", "The thread builder's trigram index, in C.", -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__gramindex(void) {
    if (PyType_Ready(&GramIndexType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&GramIndexType);
    if (PyModule_AddObject(m, "GramIndex", (PyObject *)&GramIndexType) < 0) {
        Py_DECREF(&GramIndexType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
