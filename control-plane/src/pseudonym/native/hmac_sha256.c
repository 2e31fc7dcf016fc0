#include "hmac_sha256.h"

#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static const uint32_t IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t state[8], const uint8_t *block) {
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 | (uint32_t)block[4 * t + 2] << 8 |
		       block[4 * t + 3];
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
		uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

#if defined(__x86_64__)
/* The SHA extensions keep the state as ABEF/CDGH halves and take four message words per step.
 * LANES independent blocks go through together: each round instruction waits on the one before
 * it, and the other blocks' rounds fill those waits. */
#define SHA_NI_COMPRESS(name, LANES)                                                                              \
	__attribute__((target("sha,sse4.1"))) static void name(uint32_t *const state[LANES],                    \
	                                                        const uint8_t *const block[LANES]) {            \
		const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);          \
		__m128i abef[LANES], cdgh[LANES], abef_start[LANES], cdgh_start[LANES], w[LANES][16];            \
		for (int l = 0; l < LANES; l++) {                                                                \
			__m128i badc = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[l][0]), 0xB1);      \
			__m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[l][4]), 0x1B);      \
			abef_start[l] = abef[l] = _mm_alignr_epi8(badc, efgh, 8);                                    \
			cdgh_start[l] = cdgh[l] = _mm_blend_epi16(efgh, badc, 0xF0);                                 \
		}                                                                                                \
		for (int i = 0; i < 16; i++) {                                                                   \
			const __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * i]);                               \
			for (int l = 0; l < LANES; l++) {                                                            \
				if (i < 4) {                                                                             \
					w[l][i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block[l] + 16 * i)), byteswap); \
				} else {                                                                                 \
					__m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(w[l][i - 4], w[l][i - 3]),          \
					                            _mm_alignr_epi8(w[l][i - 1], w[l][i - 2], 4));           \
					w[l][i] = _mm_sha256msg2_epu32(sum, w[l][i - 1]);                                    \
				}                                                                                        \
				__m128i message = _mm_add_epi32(w[l][i], k);                                             \
				cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], message);                              \
				abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], _mm_shuffle_epi32(message, 0x0E));     \
			}                                                                                            \
		}                                                                                                \
		for (int l = 0; l < LANES; l++) {                                                                \
			__m128i feba = _mm_shuffle_epi32(_mm_add_epi32(abef[l], abef_start[l]), 0x1B);               \
			__m128i dchg = _mm_shuffle_epi32(_mm_add_epi32(cdgh[l], cdgh_start[l]), 0xB1);               \
			_mm_storeu_si128((__m128i *)&state[l][0], _mm_blend_epi16(feba, dchg, 0xF0));                \
			_mm_storeu_si128((__m128i *)&state[l][4], _mm_alignr_epi8(dchg, feba, 8));                   \
		}                                                                                                \
	}

SHA_NI_COMPRESS(compress_sha_ni_lanes1, 1)
SHA_NI_COMPRESS(compress_sha_ni_lanes4, HMAC_SHORT_LANES)

static void compress_sha_ni(uint32_t state[8], const uint8_t *block) {
	compress_sha_ni_lanes1((uint32_t *const[]){state}, (const uint8_t *const[]){block});
}
#endif

static void compress_lanes_portable(uint32_t *const state[HMAC_SHORT_LANES],
                                    const uint8_t *const block[HMAC_SHORT_LANES]) {
	for (int l = 0; l < HMAC_SHORT_LANES; l++) compress_portable(state[l], block[l]);
}

typedef void (*compress_function)(uint32_t state[8], const uint8_t *block);

typedef void (*compress_lanes_function)(uint32_t *const state[HMAC_SHORT_LANES],
                                        const uint8_t *const block[HMAC_SHORT_LANES]);

/* Chosen again at each load of the extension; several databases may be hashing meanwhile. */
static compress_function chosen = compress_portable;
static compress_lanes_function chosen_lanes = compress_lanes_portable;

static inline void compress(uint32_t state[8], const uint8_t *block) {
	__atomic_load_n(&chosen, __ATOMIC_RELAXED)(state, block);
}

static inline void compress_lanes(uint32_t *const state[HMAC_SHORT_LANES], const uint8_t *const block[HMAC_SHORT_LANES]) {
	__atomic_load_n(&chosen_lanes, __ATOMIC_RELAXED)(state, block);
}

void sha256_select(int portable) {
	compress_function choice = compress_portable;
	compress_lanes_function lanes = compress_lanes_portable;
#if defined(__x86_64__)
	__builtin_cpu_init();
	unsigned int eax, ebx, ecx, edx;
	/* CPUID leaf 7, sub-leaf 0: EBX bit 29 is SHA. */
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(7), "c"(0));
	if (!portable && ((ebx >> 29) & 1) && __builtin_cpu_supports("sse4.1")) {
		choice = compress_sha_ni;
		lanes = compress_sha_ni_lanes4;
	}
#else
	(void)portable;
#endif
	__atomic_store_n(&chosen, choice, __ATOMIC_RELAXED);
	__atomic_store_n(&chosen_lanes, lanes, __ATOMIC_RELAXED);
}

int sha256_accelerated(void) { return __atomic_load_n(&chosen, __ATOMIC_RELAXED) != compress_portable; }

static void store_words_be(uint8_t *out, const uint32_t *words, int count) {
	for (int i = 0; i < count; i++) {
		uint32_t be = __builtin_bswap32(words[i]);
		memcpy(out + 4 * i, &be, 4);
	}
}

/* The closing 8 bytes of SHA-256 padding: the message length in bits, big-endian. */
static void put_bit_length(uint8_t block[64], size_t total_bytes) {
	uint64_t bits = __builtin_bswap64((uint64_t)total_bytes * 8);
	memcpy(block + 56, &bits, 8);
}

/* Hashes `length` bytes (the concatenation of two pieces) after `already` bytes were compressed. */
static void finish(uint32_t state[8], size_t already, const uint8_t *a, size_t a_length, const uint8_t *b,
                   size_t b_length) {
	uint8_t block[64];
	size_t filled = 0;
	const uint8_t *pieces[2] = {a, b};
	size_t lengths[2] = {a_length, b_length};
	for (int p = 0; p < 2; p++) {
		const uint8_t *data = pieces[p];
		size_t left = lengths[p];
		while (left > 0) {
			size_t take = 64 - filled < left ? 64 - filled : left;
			memcpy(block + filled, data, take);
			filled += take;
			data += take;
			left -= take;
			if (filled == 64) {
				compress(state, block);
				filled = 0;
			}
		}
	}
	block[filled++] = 0x80;
	if (filled > 56) {
		memset(block + filled, 0, 64 - filled);
		compress(state, block);
		filled = 0;
	}
	memset(block + filled, 0, 56 - filled);
	put_bit_length(block, already + a_length + b_length);
	compress(state, block);
}

void hmac_sha256_init(hmac_sha256_key *key, const uint8_t *secret, size_t length) {
	uint8_t block[64] = {0};
	if (length > 64) {
		uint32_t state[8];
		memcpy(state, IV, sizeof state);
		finish(state, 0, secret, length, NULL, 0);
		store_words_be(block, state, 8);
	} else {
		memcpy(block, secret, length);
	}
	uint8_t pad[64];
	for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
	memcpy(key->inner, IV, sizeof key->inner);
	compress(key->inner, pad);
	for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
	memcpy(key->outer, IV, sizeof key->outer);
	compress(key->outer, pad);
	explicit_bzero(block, sizeof block);
	explicit_bzero(pad, sizeof pad);
}

/* The outer message is the 32-byte inner digest: after the key's block, 96 bytes or 768 bits. */
static const uint8_t OUTER_PADDING[32] = {0x80, [30] = 0x03, [31] = 0x00};

/* Pads a message that fits one block (at most 55 bytes) after `already` bytes were compressed. */
static void pad_one_block(uint8_t block[64], size_t length, size_t already) {
	block[length] = 0x80;
	memset(block + length + 1, 0, 55 - length);
	put_bit_length(block, already + length);
}

void hmac_sha256(const hmac_sha256_key *key, const uint8_t *prefix, size_t prefix_length, const uint8_t *message,
                 size_t message_length, uint8_t *out, size_t out_length) {
	uint32_t state[8];
	uint8_t block[64];
	memcpy(state, key->inner, sizeof state);
	size_t length = prefix_length + message_length;
	if (length <= 55) {
		/* The common case (a tag and a CPR number): one block, built in place. */
		if (prefix_length) memcpy(block, prefix, prefix_length);
		if (message_length) memcpy(block + prefix_length, message, message_length);
		pad_one_block(block, length, 64);
		compress(state, block);
	} else {
		finish(state, 64, prefix, prefix_length, message, message_length);
	}
	/* The inner digest is no secret (it is hashed again under the outer key), so the block is not wiped. */
	store_words_be(block, state, 8);
	memcpy(block + 32, OUTER_PADDING, 32);
	memcpy(state, key->outer, sizeof state);
	compress(state, block);
	uint8_t tag[32];
	store_words_be(tag, state, (int)((out_length + 3) / 4));
	memcpy(out, tag, out_length);
}

void hmac_sha256_short_lanes(const hmac_sha256_key *key, const uint8_t *prefix, size_t prefix_length,
                             const uint8_t *const message[HMAC_SHORT_LANES],
                             const size_t message_length[HMAC_SHORT_LANES],
                             uint8_t out[HMAC_SHORT_LANES][HMAC_SHORT_OUT]) {
	uint32_t state[HMAC_SHORT_LANES][8];
	uint8_t block[HMAC_SHORT_LANES][64];
	uint32_t *states[HMAC_SHORT_LANES];
	const uint8_t *blocks[HMAC_SHORT_LANES];
	for (int l = 0; l < HMAC_SHORT_LANES; l++) {
		memcpy(state[l], key->inner, sizeof state[l]);
		memcpy(block[l], prefix, prefix_length);
		memcpy(block[l] + prefix_length, message[l], message_length[l]);
		pad_one_block(block[l], prefix_length + message_length[l], 64);
		states[l] = state[l];
		blocks[l] = block[l];
	}
	compress_lanes(states, blocks);
	for (int l = 0; l < HMAC_SHORT_LANES; l++) {
		store_words_be(block[l], state[l], 8);
		memcpy(block[l] + 32, OUTER_PADDING, 32);
		memcpy(state[l], key->outer, sizeof state[l]);
	}
	compress_lanes(states, blocks);
	for (int l = 0; l < HMAC_SHORT_LANES; l++) store_words_be(out[l], state[l], HMAC_SHORT_OUT / 4);
}
