#include "pseudonym_run.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpr.h"
#include "hmac_sha256.h"

/* A record's `value`: for a CPR number, the ten digits as a number (below 2^34) and its status in
 * bits 60-61; for any other value, IN_TEXT and the address of its 4-byte length and bytes. */
#define IN_TEXT (1ULL << 63)
#define ADDRESS_BITS (IN_TEXT - 1)
#define STATUS_SHIFT 60
#define NUMBER_BITS ((1ULL << 34) - 1)

#ifdef KLARSYN_TEST_WEAK_PSEUDONYMS
/* Test builds only (see build.sh): pseudonyms keep one byte, so distinct values soon share one and
 * the fail-closed check can be seen to work. */
#define WEAKEN(pseudonym) memset((pseudonym) + 1, 0, PSEUDONYM_BYTES - 1)
#else
#define WEAKEN(pseudonym) ((void)0)
#endif

typedef struct {
	/* The pseudonym's first 8 bytes: equal pseudonyms sort together by it. */
	uint64_t prefix;
	uint64_t value;
} record;

/* One call's records as they arrived, and the bytes of its values that are not CPR numbers. A
 * call writes its own block without a lock; the run only collects the blocks. */
typedef struct {
	size_t count;
	size_t text_size;
	uint8_t *text;
	record records[];
} record_block;

struct pseudonym_run {
	hmac_sha256_key hmac;
	uint8_t key_check[32];
	uint8_t tag[64];
	size_t tag_length;
	int cpr;
	pthread_mutex_t lock;
	record_block **blocks;
	size_t block_count;
	size_t blocks_size;
};

/* A fingerprint of the key, so a run is found again by key without keeping a second copy of it. */
static void key_fingerprint(const uint8_t *key, size_t key_length, uint8_t out[32]) {
	hmac_sha256_key k;
	static const uint8_t label[] = "klarsyn:pseudonym-run";
	hmac_sha256_init(&k, key, key_length);
	hmac_sha256(&k, label, sizeof label - 1, NULL, 0, out, 32);
	explicit_bzero(&k, sizeof k);
}

pseudonym_run *pseudonym_run_create(const uint8_t *key, size_t key_length, const uint8_t *tag, size_t tag_length,
                                    int cpr) {
	if (tag_length > sizeof((pseudonym_run *)0)->tag) return NULL;
	pseudonym_run *run = calloc(1, sizeof *run);
	if (!run) return NULL;
	hmac_sha256_init(&run->hmac, key, key_length);
	key_fingerprint(key, key_length, run->key_check);
	memcpy(run->tag, tag, tag_length);
	run->tag_length = tag_length;
	run->cpr = cpr;
	pthread_mutex_init(&run->lock, NULL);
	return run;
}

int pseudonym_run_is_for(const pseudonym_run *run, const uint8_t *key, size_t key_length, const uint8_t *tag,
                         size_t tag_length, int cpr) {
	uint8_t check[32];
	key_fingerprint(key, key_length, check);
	return run->cpr == cpr && run->tag_length == tag_length && memcmp(run->tag, tag, tag_length) == 0 &&
	       memcmp(run->key_check, check, 32) == 0;
}

/* The ten digits of a normalised CPR number as a number. */
static uint64_t digits_value(const uint8_t digits[10]) {
	uint64_t n = 0;
	for (int d = 0; d < 10; d++) n = n * 10 + (uint64_t)(digits[d] - '0');
	return n;
}

static void free_block(record_block *block) {
	if (!block) return;
	if (block->text) explicit_bzero(block->text, block->text_size);
	free(block->text);
	explicit_bzero(block->records, block->count * sizeof(record));
	free(block);
}

int pseudonym_run_pseudonymise(pseudonym_run *run, const uint8_t *const *values, const size_t *lengths, size_t count,
                               uint8_t (*out)[PSEUDONYM_BYTES]) {
	record_block *block = malloc(sizeof *block + count * sizeof(record));
	if (!block) return RUN_OUT_OF_MEMORY;
	block->count = count;
	block->text_size = 0;
	block->text = NULL;
	for (size_t i = 0; i < count; i++) {
		uint8_t digits[10];
		int shaped = run->cpr && cpr_normalise(values[i], lengths[i], digits);
		const uint8_t *bytes = shaped ? digits : values[i];
		size_t length = shaped ? 10 : lengths[i];
		hmac_sha256(&run->hmac, run->tag, run->tag_length, bytes, length, out[i], PSEUDONYM_BYTES);
		WEAKEN(out[i]);
		record *r = &block->records[i];
		memcpy(&r->prefix, out[i], 8);
		/* A text value's address is set below, once its bytes have a place. */
		r->value = shaped ? digits_value(digits) | (uint64_t)cpr_status_of_digits(digits) << STATUS_SHIFT : IN_TEXT;
		if (!shaped) block->text_size += 4 + length;
		explicit_bzero(digits, sizeof digits);
	}
	if (block->text_size > 0) {
		block->text = malloc(block->text_size);
		if (!block->text) {
			free_block(block);
			return RUN_OUT_OF_MEMORY;
		}
		uint8_t *at = block->text;
		for (size_t i = 0; i < count; i++) {
			if (!(block->records[i].value & IN_TEXT)) continue;
			uint32_t length = (uint32_t)lengths[i];
			memcpy(at, &length, 4);
			memcpy(at + 4, values[i], length);
			block->records[i].value = IN_TEXT | (uint64_t)(uintptr_t)at;
			at += 4 + length;
		}
	}
	int result = RUN_OK;
	pthread_mutex_lock(&run->lock);
	if (run->block_count == run->blocks_size) {
		size_t size = run->blocks_size ? run->blocks_size * 2 : 64;
		record_block **blocks = realloc(run->blocks, size * sizeof *blocks);
		if (blocks) {
			run->blocks = blocks;
			run->blocks_size = size;
		}
	}
	if (run->block_count < run->blocks_size) run->blocks[run->block_count++] = block;
	else result = RUN_OUT_OF_MEMORY;
	pthread_mutex_unlock(&run->lock);
	if (result != RUN_OK) free_block(block);
	return result;
}

/* 0 when two recorded values are the same value (CPR numbers by number, text by its bytes). */
static int compare_values(uint64_t a, uint64_t b) {
	if ((a & IN_TEXT) != (b & IN_TEXT)) return 1;
	if (!(a & IN_TEXT)) return a != b;
	const uint8_t *x = (const uint8_t *)(uintptr_t)(a & ADDRESS_BITS), *y = (const uint8_t *)(uintptr_t)(b & ADDRESS_BITS);
	uint32_t xl, yl;
	memcpy(&xl, x, 4);
	memcpy(&yl, y, 4);
	return xl != yl || memcmp(x + 4, y + 4, xl) != 0;
}

/* The full pseudonym of a recorded value, computed again. */
static void pseudonym_of(const pseudonym_run *run, uint64_t value, uint8_t out[PSEUDONYM_BYTES]) {
	uint8_t digits[10];
	const uint8_t *bytes = digits;
	uint32_t length = 10;
	if (value & IN_TEXT) {
		bytes = (const uint8_t *)(uintptr_t)(value & ADDRESS_BITS);
		memcpy(&length, bytes, 4);
		bytes += 4;
	} else {
		uint64_t n = value & NUMBER_BITS;
		for (int d = 9; d >= 0; d--, n /= 10) digits[d] = (uint8_t)('0' + n % 10);
	}
	hmac_sha256(&run->hmac, run->tag, run->tag_length, bytes, length, out, PSEUDONYM_BYTES);
	WEAKEN(out);
	explicit_bzero(digits, sizeof digits);
}

/* Counts a distinct value; with a CPR key, by its status (values not shaped like one are invalid). */
static void count_value(const pseudonym_run *run, uint64_t value, pseudonym_stats *stats) {
	stats->distinct++;
	if (run->cpr) stats->cpr[(value & IN_TEXT) ? CPR_INVALID : (value >> STATUS_SHIFT) & 3]++;
}

/* Counts the distinct values among records sharing one prefix (a value met again, or, rarely,
 * different pseudonyms agreeing in 8 bytes); RUN_COLLISION if two distinct values have the same
 * full pseudonym. */
static int check_prefix(const pseudonym_run *run, const record *group, size_t n, pseudonym_stats *stats) {
	for (size_t i = 0; i < n; i++) {
		int first = 1;
		for (size_t j = 0; j < i && first; j++) first = compare_values(group[i].value, group[j].value) != 0;
		if (!first) continue;
		count_value(run, group[i].value, stats);
		if (i == 0) continue;
		uint8_t mine[PSEUDONYM_BYTES], other[PSEUDONYM_BYTES];
		pseudonym_of(run, group[i].value, mine);
		for (size_t j = 0; j < i; j++) {
			pseudonym_of(run, group[j].value, other);
			if (memcmp(mine, other, PSEUDONYM_BYTES) == 0) return RUN_COLLISION;
		}
	}
	return RUN_OK;
}

/* The check sorts all records by prefix: eight bits first, into buckets few enough that writing to
 * them stays in cache, then each bucket by twelve more and insertion sort of the few left together
 * (prefixes are HMAC output, so spread evenly). Every step runs in parallel parts. */
enum { TOP_BITS = 8, NEXT_BITS = 12, TOP_BUCKETS = 1 << TOP_BITS, NEXT_BUCKETS = 1 << NEXT_BITS, MAX_PARTS = 8 };

typedef struct {
	const pseudonym_run *run;
	/* Blocks [first_block, end_block) to distribute, buckets [first_bucket, end_bucket) to check. */
	size_t first_block, end_block, first_bucket, end_bucket;
	/* Per top bucket: how many of this part's records fall in it, then where the next one goes. */
	size_t place[TOP_BUCKETS];
	record *sorted;
	/* Bucket b of `sorted` ends at bucket_ends[b]. */
	const size_t *bucket_ends;
	pseudonym_stats stats;
	int result;
} finish_part;

static void *count_part(void *arg) {
	finish_part *part = arg;
	memset(part->place, 0, sizeof part->place);
	for (size_t b = part->first_block; b < part->end_block; b++) {
		const record_block *block = part->run->blocks[b];
		for (size_t i = 0; i < block->count; i++) part->place[block->records[i].prefix >> (64 - TOP_BITS)]++;
	}
	return NULL;
}

static void *distribute_part(void *arg) {
	finish_part *part = arg;
	for (size_t b = part->first_block; b < part->end_block; b++) {
		const record_block *block = part->run->blocks[b];
		for (size_t i = 0; i < block->count; i++)
			part->sorted[part->place[block->records[i].prefix >> (64 - TOP_BITS)]++] = block->records[i];
	}
	return NULL;
}

static void *check_part(void *arg) {
	finish_part *part = arg;
	size_t largest = 0;
	for (size_t b = part->first_bucket; b < part->end_bucket; b++) {
		size_t n = part->bucket_ends[b] - (b ? part->bucket_ends[b - 1] : 0);
		if (n > largest) largest = n;
	}
	record *scratch = malloc((largest ? largest : 1) * sizeof *scratch);
	size_t *next = malloc((NEXT_BUCKETS + 1) * sizeof *next);
	if (!scratch || !next) part->result = RUN_OUT_OF_MEMORY;
	for (size_t b = part->first_bucket; part->result == RUN_OK && b < part->end_bucket; b++) {
		size_t from = b ? part->bucket_ends[b - 1] : 0, n = part->bucket_ends[b] - from;
		const record *bucket = part->sorted + from;
		const int shift = 64 - TOP_BITS - NEXT_BITS;
		memset(next, 0, (NEXT_BUCKETS + 1) * sizeof *next);
		for (size_t i = 0; i < n; i++) next[((bucket[i].prefix >> shift) & (NEXT_BUCKETS - 1)) + 1]++;
		for (size_t k = 1; k <= NEXT_BUCKETS; k++) next[k] += next[k - 1];
		for (size_t i = 0; i < n; i++) scratch[next[(bucket[i].prefix >> shift) & (NEXT_BUCKETS - 1)]++] = bucket[i];
		for (size_t i = 1; i < n; i++) {
			record r = scratch[i];
			size_t j = i;
			for (; j > 0 && scratch[j - 1].prefix > r.prefix; j--) scratch[j] = scratch[j - 1];
			scratch[j] = r;
		}
		for (size_t i = 0, j; part->result == RUN_OK && i < n; i = j) {
			for (j = i + 1; j < n && scratch[j].prefix == scratch[i].prefix;) j++;
			part->result = check_prefix(part->run, scratch + i, j - i, &part->stats);
		}
	}
	if (scratch) explicit_bzero(scratch, largest * sizeof *scratch);
	free(scratch);
	free(next);
	return NULL;
}

/* Runs `step` on every part, the last on this thread (as does any that cannot get a thread). */
static void in_parallel(void *(*step)(void *), finish_part *parts, size_t count) {
	pthread_t threads[MAX_PARTS];
	int started[MAX_PARTS] = {0};
	for (size_t p = 0; p + 1 < count; p++) started[p] = pthread_create(&threads[p], NULL, step, &parts[p]) == 0;
	for (size_t p = 0; p < count; p++) {
		if (started[p]) pthread_join(threads[p], NULL);
		else step(&parts[p]);
	}
}

int pseudonym_run_finish(pseudonym_run *run, pseudonym_stats *stats) {
	memset(stats, 0, sizeof *stats);
	pthread_mutex_lock(&run->lock);
	size_t n = 0;
	for (size_t b = 0; b < run->block_count; b++) n += run->blocks[b]->count;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t count = n < 100000 || cpus < 2 ? 1 : (size_t)(cpus < MAX_PARTS ? cpus : MAX_PARTS);
	finish_part *parts = calloc(count, sizeof *parts);
	record *sorted = malloc((n ? n : 1) * sizeof *sorted);
	size_t bucket_ends[TOP_BUCKETS];
	int result = parts && sorted ? RUN_OK : RUN_OUT_OF_MEMORY;
	if (result == RUN_OK) {
		for (size_t p = 0; p < count; p++)
			parts[p] = (finish_part){.run = run,
			                         .first_block = run->block_count * p / count,
			                         .end_block = run->block_count * (p + 1) / count,
			                         .first_bucket = TOP_BUCKETS * p / count,
			                         .end_bucket = TOP_BUCKETS * (p + 1) / count,
			                         .sorted = sorted,
			                         .bucket_ends = bucket_ends};
		in_parallel(count_part, parts, count);
		/* Each part writes its records of bucket b after those of the parts before it. */
		size_t at = 0;
		for (size_t b = 0; b < TOP_BUCKETS; b++) {
			for (size_t p = 0; p < count; p++) {
				size_t mine = parts[p].place[b];
				parts[p].place[b] = at;
				at += mine;
			}
			bucket_ends[b] = at;
		}
		in_parallel(distribute_part, parts, count);
		in_parallel(check_part, parts, count);
		for (size_t p = 0; p < count; p++) {
			if (result == RUN_OK) result = parts[p].result;
			stats->distinct += parts[p].stats.distinct;
			for (int i = 0; i < 3; i++) stats->cpr[i] += parts[p].stats.cpr[i];
		}
	}
	if (sorted) explicit_bzero(sorted, n * sizeof *sorted);
	free(sorted);
	free(parts);
	pthread_mutex_unlock(&run->lock);
	return result;
}

void pseudonym_run_destroy(pseudonym_run *run) {
	if (!run) return;
	for (size_t b = 0; b < run->block_count; b++) free_block(run->blocks[b]);
	free(run->blocks);
	pthread_mutex_destroy(&run->lock);
	explicit_bzero(run, sizeof *run);
	free(run);
}
