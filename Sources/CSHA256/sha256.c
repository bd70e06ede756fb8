// SHA-256 block function, FIPS 180-4 §6.2.2: a portable implementation and, on x86-64, one on the
// SHA extensions (SHA-NI), chosen at run time. See include/CSHA256.h.

#include "CSHA256.h"

#include <stdatomic.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64
// primes. Aligned so the SHA-NI path loads four at a time.
static const uint32_t K[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// MARK: - Portable

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
// FIPS 180-4 §4.1.2. Ch and Maj are rewritten with fewer operations, same results.
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

// One round: instead of shifting eight variables along, the callers rotate the names.
#define ROUND(a, b, c, d, e, f, g, h, k, w)                     \
    do {                                                        \
        uint32_t t1 = (h) + BSIG1(e) + CH(e, f, g) + (k) + (w); \
        (d) += t1;                                              \
        (h) = t1 + BSIG0(a) + MAJ(a, b, c);                     \
    } while (0)

#define ROUNDS8(base, w0, w1, w2, w3, w4, w5, w6, w7) \
    do {                                              \
        ROUND(a, b, c, d, e, f, g, h, K[(base) + 0], w0); \
        ROUND(h, a, b, c, d, e, f, g, K[(base) + 1], w1); \
        ROUND(g, h, a, b, c, d, e, f, K[(base) + 2], w2); \
        ROUND(f, g, h, a, b, c, d, e, K[(base) + 3], w3); \
        ROUND(e, f, g, h, a, b, c, d, K[(base) + 4], w4); \
        ROUND(d, e, f, g, h, a, b, c, K[(base) + 5], w5); \
        ROUND(c, d, e, f, g, h, a, b, K[(base) + 6], w6); \
        ROUND(b, c, d, e, f, g, h, a, K[(base) + 7], w7); \
    } while (0)

// The message schedule (FIPS 180-4 §6.2.2 step 1) kept as a 16-word window: W[t] replaces W[t-16].
#define SCHEDULE(i) \
    (w[(i)] += SSIG1(w[((i) + 14) & 15]) + w[((i) + 9) & 15] + SSIG0(w[((i) + 1) & 15]))

static inline uint32_t load_big_endian(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

void csha256_compress_portable(uint32_t *state, const void *blocks, size_t count) {
    const uint8_t *block = blocks;
    uint32_t h0 = state[0], h1 = state[1], h2 = state[2], h3 = state[3];
    uint32_t h4 = state[4], h5 = state[5], h6 = state[6], h7 = state[7];
    for (; count > 0; count--, block += 64) {
        uint32_t w[16];
        for (int i = 0; i < 16; i++) w[i] = load_big_endian(block + 4 * i);
        uint32_t a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
        ROUNDS8(0, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
        ROUNDS8(8, w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15]);
        for (int t = 16; t < 64; t += 16) {
            ROUNDS8(t, SCHEDULE(0), SCHEDULE(1), SCHEDULE(2), SCHEDULE(3),
                    SCHEDULE(4), SCHEDULE(5), SCHEDULE(6), SCHEDULE(7));
            ROUNDS8(t + 8, SCHEDULE(8), SCHEDULE(9), SCHEDULE(10), SCHEDULE(11),
                    SCHEDULE(12), SCHEDULE(13), SCHEDULE(14), SCHEDULE(15));
        }
        h0 += a; h1 += b; h2 += c; h3 += d;
        h4 += e; h5 += f; h6 += g; h7 += h;
    }
    state[0] = h0; state[1] = h1; state[2] = h2; state[3] = h3;
    state[4] = h4; state[5] = h5; state[6] = h6; state[7] = h7;
}

// MARK: - SHA extensions (x86-64)

#if defined(__x86_64__)

#define SHANI __attribute__((target("sha,sse4.1,ssse3")))

// Four rounds: SHA256RNDS2 does two, on the state split as ABEF and CDGH, with W+K in the low
// two lanes of its third operand.
#define SHANI_ROUNDS4(m, i)                                                         \
    do {                                                                            \
        __m128i wk = _mm_add_epi32((m), _mm_load_si128((const __m128i *)&K[4 * (i)])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                               \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));      \
    } while (0)

// The message schedule four words at a time: SHA256MSG1 adds sigma0(W[t-15]) to W[t-16],
// the caller adds W[t-7], and SHA256MSG2 adds sigma1(W[t-2]).
#define SHANI_MSG1(older, old) ((older) = _mm_sha256msg1_epu32((older), (old)))
#define SHANI_MSG2(next, current, previous) \
    ((next) = _mm_sha256msg2_epu32(_mm_add_epi32((next), _mm_alignr_epi8((current), (previous), 4)), (current)))

SHANI static void compress_shani(uint32_t *state, const void *blocks, size_t count) {
    const uint8_t *block = blocks;
    // Reverses the bytes of each 32-bit word: the message words are big-endian.
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

    // A B C D / E F G H to the instructions' A B E F / C D G H (highest lane first).
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (; count > 0; count--, block += 64) {
        const __m128i abefSaved = abef;
        const __m128i cdghSaved = cdgh;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 0)), byteSwap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16)), byteSwap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 32)), byteSwap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 48)), byteSwap);

        // Group i uses words 4i...4i+3 (register i mod 4), finishes scheduling group i+1 and
        // starts group i+3 in the register group i-1 has just freed.
        SHANI_ROUNDS4(m0, 0);
        SHANI_ROUNDS4(m1, 1);  SHANI_MSG1(m0, m1);
        SHANI_ROUNDS4(m2, 2);  SHANI_MSG1(m1, m2);
        SHANI_ROUNDS4(m3, 3);  SHANI_MSG2(m0, m3, m2); SHANI_MSG1(m2, m3);
        SHANI_ROUNDS4(m0, 4);  SHANI_MSG2(m1, m0, m3); SHANI_MSG1(m3, m0);
        SHANI_ROUNDS4(m1, 5);  SHANI_MSG2(m2, m1, m0); SHANI_MSG1(m0, m1);
        SHANI_ROUNDS4(m2, 6);  SHANI_MSG2(m3, m2, m1); SHANI_MSG1(m1, m2);
        SHANI_ROUNDS4(m3, 7);  SHANI_MSG2(m0, m3, m2); SHANI_MSG1(m2, m3);
        SHANI_ROUNDS4(m0, 8);  SHANI_MSG2(m1, m0, m3); SHANI_MSG1(m3, m0);
        SHANI_ROUNDS4(m1, 9);  SHANI_MSG2(m2, m1, m0); SHANI_MSG1(m0, m1);
        SHANI_ROUNDS4(m2, 10); SHANI_MSG2(m3, m2, m1); SHANI_MSG1(m1, m2);
        SHANI_ROUNDS4(m3, 11); SHANI_MSG2(m0, m3, m2); SHANI_MSG1(m2, m3);
        SHANI_ROUNDS4(m0, 12); SHANI_MSG2(m1, m0, m3); SHANI_MSG1(m3, m0);
        SHANI_ROUNDS4(m1, 13); SHANI_MSG2(m2, m1, m0);
        SHANI_ROUNDS4(m2, 14); SHANI_MSG2(m3, m2, m1);
        SHANI_ROUNDS4(m3, 15);

        abef = _mm_add_epi32(abef, abefSaved);
        cdgh = _mm_add_epi32(cdgh, cdghSaved);
    }

    // Back to A B C D / E F G H.
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int cpu_has_sha_extensions(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int sse41 = (ecx >> 19) & 1, ssse3 = (ecx >> 9) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int sha = (ebx >> 29) & 1;
    return sha && sse41 && ssse3;
}

#endif

// MARK: - Dispatch

typedef void (*compress_function)(uint32_t *, const void *, size_t);

// Null until the first call picks. Racing first calls pick the same function, so a relaxed
// atomic is enough.
static _Atomic(compress_function) chosen = NULL;

static compress_function choose(void) {
    compress_function function = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (function) return function;
    function = csha256_compress_portable;
#if defined(__x86_64__)
    if (cpu_has_sha_extensions()) function = compress_shani;
#endif
    atomic_store_explicit(&chosen, function, memory_order_relaxed);
    return function;
}

void csha256_compress(uint32_t *state, const void *blocks, size_t count) {
    choose()(state, blocks, count);
}

int csha256_accelerated(void) {
    return choose() != csha256_compress_portable;
}
