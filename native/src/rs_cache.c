/* Decode matrices by erasure pattern: a set-associative cache, 4 ways per set with LRU
 * replacement, so a hit costs one hash and at most four key compares. A slot gets its
 * min(ds, ps) x ds coefficient bytes on first use, so idle codecs stay small. */
#include <stdlib.h>
#include <string.h>

#include "rs_internal.h"

#define WAYS 4
#define BUDGET (64u << 10) /* bytes of matrices a codec may keep, roughly */
#define MAX_SLOTS 64

typedef struct slot {
    kcp_rs_key key;
    uint64_t stamp; /* 0 = empty; otherwise the use counter at the last hit */
    kcp_rs_mat mat; /* coef NULL until first use */
} slot;

struct kcp_rs_cache {
    int ds, ps, max_rows;
    unsigned set_mask;
    slot *slots; /* (set_mask + 1) * WAYS */
    uint64_t clock, hits, misses;
    uint8_t *sub;  /* max_rows^2: the k x k system, inverted in place (lazy) */
    uint8_t *work; /* 2 * max_rows^2 for the inversion (lazy) */
};

kcp_rs_cache *kcp_rs_cache_new(int ds, int ps) {
    kcp_rs_cache *c = (kcp_rs_cache *)calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->ds = ds;
    c->ps = ps;
    c->max_rows = ds < ps ? ds : ps;
    size_t per_slot = (size_t)c->max_rows * (size_t)ds + sizeof(slot);
    size_t want = BUDGET / per_slot;
    unsigned sets = 1;
    while (sets * 2 * WAYS <= want && sets * 2 * WAYS <= MAX_SLOTS) sets *= 2;
    c->set_mask = sets - 1;
    c->slots = (slot *)calloc((size_t)sets * WAYS, sizeof(slot));
    if (!c->slots) {
        kcp_rs_cache_free(c);
        return NULL;
    }
    return c;
}

void kcp_rs_cache_free(kcp_rs_cache *c) {
    if (!c) return;
    if (c->slots) {
        for (unsigned i = 0; i < (c->set_mask + 1) * WAYS; i++) free(c->slots[i].mat.coef);
    }
    free(c->slots);
    free(c->sub);
    free(c->work);
    free(c);
}

static unsigned key_hash(const kcp_rs_key *k) {
    uint64_t h = k->w[0] * 0x9E3779B97F4A7C15ull;
    h ^= (k->w[1] + (h >> 29)) * 0xBF58476D1CE4E5B9ull;
    h ^= (k->w[2] + (h >> 31)) * 0x94D049BB133111EBull;
    h ^= (k->w[3] + (h >> 27)) * 0x9E3779B97F4A7C15ull;
    return (unsigned)(h >> 40);
}

static int key_eq(const kcp_rs_key *a, const kcp_rs_key *b) {
    return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

static int key_has(const kcp_rs_key *k, int i) { return (int)((k->w[i >> 6] >> (i & 63)) & 1); }

/* Fills s->mat with the rows rebuilding the k missing data shards m_j from the key's shards:
 * the present data shards d_c (index order), then the k parity shards q_i it uses (the key
 * holds exactly ds shards). Since q_i = sum_c E[q_i][c] d_c, the unknowns solve
 *     A d_m = q - E[q][present] d_present,   A = E[q][m] (k x k),
 * so with B = inv(A): d_m_j = sum_i B[j][i] q_i + sum_c (sum_i B[j][i] E[q_i][c]) d_c.
 * This is inv(E[key]) restricted to the missing rows (inverses are unique, so the bytes are
 * klauspost's), at O(k^3 + k^2 ds) instead of O(ds^3). 0, or -1 if A is singular. */
static int compute(kcp_rs_cache *c, const kcp_rs_key *key, const uint8_t *parity_rows, slot *s) {
    int ds = c->ds, k = 0, nq = 0;
    int missing[KCP_RS_MAX_SHARDS], used[KCP_RS_MAX_SHARDS];
    for (int i = 0; i < ds; i++)
        if (!key_has(key, i)) missing[k++] = i;
    for (int p = 0; p < c->ps && nq < k; p++)
        if (key_has(key, ds + p)) used[nq++] = p;
    if (nq != k) return -1;
    uint8_t *a = c->sub;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            a[(size_t)i * k + j] = parity_rows[(size_t)used[i] * ds + missing[j]];
    if (kcp_rs_invert(a, k, c->work) != 0) return -1;
    for (int j = 0; j < k; j++) {
        const uint8_t *bj = a + (size_t)j * k;
        uint8_t *row = s->mat.coef + (size_t)j * ds;
        int col = 0;
        for (int d = 0; d < ds; d++) {
            if (!key_has(key, d)) continue;
            uint8_t acc = 0;
            for (int i = 0; i < k; i++)
                acc ^= kcp_rs_gf_mul_table[bj[i]][parity_rows[(size_t)used[i] * ds + d]];
            row[col++] = acc;
        }
        for (int i = 0; i < k; i++) row[col++] = bj[i];
    }
    s->mat.rows = k;
    s->mat.cols = ds;
    return 0;
}

const kcp_rs_mat *kcp_rs_cache_get(kcp_rs_cache *c, const kcp_rs_key *key,
                                   const uint8_t *parity_rows) {
    slot *set = c->slots + (size_t)(key_hash(key) & c->set_mask) * WAYS;
    slot *victim = &set[0];
    c->clock++;
    for (int w = 0; w < WAYS; w++) {
        slot *s = &set[w];
        if (s->stamp && key_eq(&s->key, key)) {
            s->stamp = c->clock;
            c->hits++;
            return &s->mat;
        }
        if (s->stamp < victim->stamp) victim = s;
    }
    c->misses++;
    if (!c->sub) {
        c->sub = (uint8_t *)malloc((size_t)c->max_rows * (size_t)c->max_rows);
        if (!c->sub) return NULL;
    }
    if (!c->work) {
        c->work = (uint8_t *)malloc(2 * (size_t)c->max_rows * (size_t)c->max_rows);
        if (!c->work) return NULL;
    }
    if (!victim->mat.coef) {
        victim->mat.coef = (uint8_t *)malloc((size_t)c->max_rows * (size_t)c->ds);
        if (!victim->mat.coef) return NULL;
    }
    victim->stamp = 0; /* stays empty if the computation fails */
    if (compute(c, key, parity_rows, victim) != 0) return NULL;
    victim->key = *key;
    victim->stamp = c->clock;
    return &victim->mat;
}

void kcp_rs_cache_counts(const kcp_rs_cache *c, uint64_t *hits, uint64_t *misses) {
    if (hits) *hits = c->hits;
    if (misses) *misses = c->misses;
}
