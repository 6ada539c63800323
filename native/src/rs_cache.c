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

/* Fills s->mat with the rows rebuilding the k missing data shards m_j from the key's ds shards
 * S (in index order). Every shard is the value at its index of one polynomial of degree < ds
 * (see kcp_rs_build_parity), so this is interpolation over S:
 *     d_m = sum over s in S of L_s(m) * shard_s,   L_s(m) = prod_{t in S, t != s} (m - t) / (s - t)
 * which is inv(E[S]) restricted to the missing rows (inverses are unique, so the bytes are
 * klauspost's, for any input), at O(ds^2 + k ds) lookups and without a matrix inversion. In
 * logarithms: L_s(m) = exp(log P(m) - log(m - s) - log w_s), P(m) = prod_s (m - s),
 * w_s = prod_{t != s} (s - t). */
static void compute(kcp_rs_cache *c, const kcp_rs_key *key, slot *s) {
    int ds = c->ds, n = c->ds + c->ps, k = 0, np = 0;
    uint8_t points[KCP_RS_MAX_SHARDS];
    int missing[KCP_RS_MAX_SHARDS];
    unsigned logw[KCP_RS_MAX_SHARDS];
    for (int i = 0; i < n; i++)
        if (key_has(key, i)) points[np++] = (uint8_t)i;
    for (int i = 0; i < ds; i++)
        if (!key_has(key, i)) missing[k++] = i;
    memset(logw, 0, sizeof(unsigned) * (size_t)np);
    for (int i = 0; i < np; i++) {
        for (int j = i + 1; j < np; j++) {
            unsigned l = kcp_rs_gf_log[points[i] ^ points[j]];
            logw[i] += l;
            logw[j] += l;
        }
        logw[i] %= 255;
    }
    for (int j = 0; j < k; j++) {
        unsigned m = (unsigned)missing[j], logp = 0;
        for (int i = 0; i < np; i++) logp += kcp_rs_gf_log[m ^ points[i]];
        logp %= 255;
        uint8_t *row = s->mat.coef + (size_t)j * ds;
        for (int i = 0; i < np; i++)
            row[i] = kcp_rs_gf_exp[(logp + 510 - kcp_rs_gf_log[m ^ points[i]] - logw[i]) % 255];
    }
    s->mat.rows = k;
    s->mat.cols = ds;
}

const kcp_rs_mat *kcp_rs_cache_get(kcp_rs_cache *c, const kcp_rs_key *key) {
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
    if (!victim->mat.coef) {
        victim->mat.coef = (uint8_t *)malloc((size_t)c->max_rows * (size_t)c->ds);
        if (!victim->mat.coef) return NULL;
    }
    compute(c, key, victim);
    victim->key = *key;
    victim->stamp = c->clock;
    return &victim->mat;
}

void kcp_rs_cache_counts(const kcp_rs_cache *c, uint64_t *hits, uint64_t *misses) {
    if (hits) *hits = c->hits;
    if (misses) *misses = c->misses;
}
