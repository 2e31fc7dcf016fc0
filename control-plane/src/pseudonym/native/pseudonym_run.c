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

/* The end-of-run check sorts all records by prefix: eight bits into buckets (done per batch, on
 * DuckDB's threads), then each bucket by twelve more and insertion sort of the few left together
 * (prefixes are HMAC output, so spread evenly). */
enum { TOP_BITS = 8, NEXT_BITS = 12, TOP_BUCKETS = 1 << TOP_BITS, NEXT_BUCKETS = 1 << NEXT_BITS, MAX_PARTS = 8 };

/* Records sorted into top buckets (bucket b ends at bucket_ends[b]). */
typedef struct {
	size_t count;
	size_t bucket_ends[TOP_BUCKETS];
	record records[];
} record_block;

/* Records as calls append them. A call takes a batch no other call holds and fills it without a
 * lock; a full batch becomes a block. So blocks are few and large, and the end-of-run check reads
 * each bucket as a few long stretches. */
enum { BATCH_RECORDS = 1 << 15 };
typedef struct record_batch {
	struct record_batch *next;
	size_t count;
	size_t capacity;
	record records[];
} record_batch;

/* The bytes of values that are not CPR numbers, which their records point to. */
typedef struct text_chunk {
	struct text_chunk *next;
	size_t size;
	uint8_t bytes[];
} text_chunk;

/* Counting sort of `n` records by `bits` bits of their prefix from bit `shift` on, into `to`;
 * afterwards bucket b ends at ends[b] (2^bits entries). */
static void sort_into_buckets(const record *from, size_t n, record *to, int shift, int bits, size_t *ends) {
	const size_t buckets = (size_t)1 << bits;
	memset(ends, 0, buckets * sizeof *ends);
	for (size_t i = 0; i < n; i++) ends[(from[i].prefix >> shift) & (buckets - 1)]++;
	for (size_t b = 0, at = 0; b < buckets; b++) {
		size_t count = ends[b];
		ends[b] = at;
		at += count;
	}
	for (size_t i = 0; i < n; i++) to[ends[(from[i].prefix >> shift) & (buckets - 1)]++] = from[i];
}

struct pseudonym_run {
	hmac_sha256_key hmac;
	uint8_t key_check[PSEUDONYM_RUN_FINGERPRINT];
	uint8_t tag[64];
	size_t tag_length;
	int cpr;
	pthread_mutex_t lock;
	record_block **blocks;
	size_t block_count;
	size_t blocks_size;
	/* Batches no call holds (all of them once the query has ended), and every text chunk. */
	record_batch *free_batches;
	text_chunk *texts;
};

void pseudonym_run_key_fingerprint(const uint8_t *key, size_t key_length, uint8_t out[PSEUDONYM_RUN_FINGERPRINT]) {
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
	pseudonym_run_key_fingerprint(key, key_length, run->key_check);
	memcpy(run->tag, tag, tag_length);
	run->tag_length = tag_length;
	run->cpr = cpr;
	pthread_mutex_init(&run->lock, NULL);
	return run;
}

int pseudonym_run_is_for(const pseudonym_run *run, const uint8_t fingerprint[PSEUDONYM_RUN_FINGERPRINT],
                         const uint8_t *tag, size_t tag_length, int cpr) {
	return run->cpr == cpr && run->tag_length == tag_length && memcmp(run->tag, tag, tag_length) == 0 &&
	       memcmp(run->key_check, fingerprint, PSEUDONYM_RUN_FINGERPRINT) == 0;
}

/* The ten digits of a normalised CPR number as a number. */
static uint64_t digits_value(const uint8_t digits[10]) {
	uint64_t n = 0;
	for (int d = 0; d < 10; d++) n = n * 10 + (uint64_t)(digits[d] - '0');
	return n;
}

static void free_block(record_block *block) {
	if (!block) return;
	explicit_bzero(block->records, block->count * sizeof(record));
	free(block);
}

/* Sorts the batch's records into a new block kept by the run, and empties the batch. */
static int flush_batch(pseudonym_run *run, record_batch *batch) {
	if (batch->count == 0) return RUN_OK;
	record_block *block = malloc(sizeof *block + batch->count * sizeof(record));
	if (!block) return RUN_OUT_OF_MEMORY;
	block->count = batch->count;
	sort_into_buckets(batch->records, batch->count, block->records, 64 - TOP_BITS, TOP_BITS, block->bucket_ends);
	explicit_bzero(batch->records, batch->count * sizeof(record));
	batch->count = 0;
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

static void give_back_batch(pseudonym_run *run, record_batch *batch) {
	pthread_mutex_lock(&run->lock);
	batch->next = run->free_batches;
	run->free_batches = batch;
	pthread_mutex_unlock(&run->lock);
}

/* A batch with room for `count` more records, held by the caller until it gives it back; NULL when
 * out of memory. */
static record_batch *take_batch(pseudonym_run *run, size_t count) {
	pthread_mutex_lock(&run->lock);
	record_batch *batch = run->free_batches;
	if (batch) run->free_batches = batch->next;
	pthread_mutex_unlock(&run->lock);
	if (batch && batch->capacity - batch->count < count && flush_batch(run, batch) != RUN_OK) {
		give_back_batch(run, batch);
		return NULL;
	}
	if (batch && batch->capacity >= count) return batch;
	size_t capacity = count > BATCH_RECORDS ? count : BATCH_RECORDS;
	record_batch *grown = realloc(batch, sizeof *grown + capacity * sizeof(record));
	if (!grown) {
		if (batch) give_back_batch(run, batch);
		return NULL;
	}
	if (!batch) grown->count = 0;
	grown->capacity = capacity;
	return grown;
}

/* A value as it is hashed: a CPR number's ten digits (kept in `digits`), anything else as it is. */
typedef struct {
	const uint8_t *bytes;
	size_t length;
	uint8_t digits[10];
} hashed_value;

/* Pseudonyms of the short values at `waiting` (up to HMAC_SHORT_LANES; idle lanes repeat the first). */
static void hash_short(const pseudonym_run *run, const hashed_value *values, const size_t *waiting, size_t n,
                       uint8_t (*out)[PSEUDONYM_BYTES]) {
	const uint8_t *messages[HMAC_SHORT_LANES];
	size_t lengths[HMAC_SHORT_LANES];
	uint8_t pseudonyms[HMAC_SHORT_LANES][HMAC_SHORT_OUT];
	for (size_t l = 0; l < HMAC_SHORT_LANES; l++) {
		const hashed_value *value = &values[waiting[l < n ? l : 0]];
		messages[l] = value->bytes;
		lengths[l] = value->length;
	}
	hmac_sha256_short_lanes(&run->hmac, run->tag, run->tag_length, messages, lengths, pseudonyms);
	for (size_t l = 0; l < n; l++) memcpy(out[waiting[l]], pseudonyms[l], PSEUDONYM_BYTES);
}

/* Pseudonyms of `count` values into `out`, HMAC_SHORT_LANES at a time where each fits one block. */
static void hash_all(const pseudonym_run *run, const hashed_value *values, size_t count,
                     uint8_t (*out)[PSEUDONYM_BYTES]) {
	size_t waiting[HMAC_SHORT_LANES], n = 0;
	for (size_t i = 0; i < count; i++) {
		if (run->tag_length + values[i].length > HMAC_SHORT_MAX) {
			hmac_sha256(&run->hmac, run->tag, run->tag_length, values[i].bytes, values[i].length, out[i],
			            PSEUDONYM_BYTES);
			continue;
		}
		waiting[n++] = i;
		if (n == HMAC_SHORT_LANES) {
			hash_short(run, values, waiting, n, out);
			n = 0;
		}
	}
	if (n > 0) hash_short(run, values, waiting, n, out);
	for (size_t i = 0; i < count; i++) WEAKEN(out[i]);
}

/* Keeps the bytes of the call's text values (those whose record is IN_TEXT) for the run and points
 * their records at them. */
static int keep_texts(pseudonym_run *run, const uint8_t *const *values, const size_t *lengths, record *records,
                      size_t count) {
	size_t size = 0;
	for (size_t i = 0; i < count; i++)
		if (records[i].value & IN_TEXT) size += 4 + lengths[i];
	if (size == 0) return RUN_OK;
	text_chunk *chunk = malloc(sizeof *chunk + size);
	if (!chunk) return RUN_OUT_OF_MEMORY;
	chunk->size = size;
	uint8_t *at = chunk->bytes;
	for (size_t i = 0; i < count; i++) {
		if (!(records[i].value & IN_TEXT)) continue;
		uint32_t length = (uint32_t)lengths[i];
		memcpy(at, &length, 4);
		memcpy(at + 4, values[i], length);
		records[i].value = IN_TEXT | (uint64_t)(uintptr_t)at;
		at += 4 + length;
	}
	pthread_mutex_lock(&run->lock);
	chunk->next = run->texts;
	run->texts = chunk;
	pthread_mutex_unlock(&run->lock);
	return RUN_OK;
}

int pseudonym_run_pseudonymise(pseudonym_run *run, const uint8_t *const *values, const size_t *lengths, size_t count,
                               uint8_t (*out)[PSEUDONYM_BYTES]) {
	hashed_value *hashed = malloc((count ? count : 1) * sizeof *hashed);
	record_batch *batch = hashed ? take_batch(run, count) : NULL;
	if (!batch) {
		free(hashed);
		return RUN_OUT_OF_MEMORY;
	}
	record *records = batch->records + batch->count;
	for (size_t i = 0; i < count; i++) {
		hashed_value *h = &hashed[i];
		int shaped = run->cpr && cpr_normalise(values[i], lengths[i], h->digits);
		h->bytes = shaped ? h->digits : values[i];
		h->length = shaped ? 10 : lengths[i];
		/* A text value's address is set by keep_texts, once its bytes have a place. */
		records[i].value =
		    shaped ? digits_value(h->digits) | (uint64_t)cpr_status_of_digits(h->digits) << STATUS_SHIFT : IN_TEXT;
	}
	hash_all(run, hashed, count, out);
	explicit_bzero(hashed, count * sizeof *hashed);
	free(hashed);
	for (size_t i = 0; i < count; i++) memcpy(&records[i].prefix, out[i], 8);
	int result = keep_texts(run, values, lengths, records, count);
	if (result == RUN_OK) batch->count += count;
	else explicit_bzero(records, count * sizeof *records);
	give_back_batch(run, batch);
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

typedef struct {
	const pseudonym_run *run;
	/* Top buckets [first_bucket, end_bucket) to check. */
	size_t first_bucket, end_bucket;
	pseudonym_stats stats;
	int result;
} finish_part;

/* Where top bucket b starts in a block's records. */
static size_t bucket_start(const record_block *block, size_t b) { return b ? block->bucket_ends[b - 1] : 0; }

/* Sorts one top bucket's records by prefix into `sorted` and checks every group sharing a prefix. */
static int check_bucket(const pseudonym_run *run, const record *bucket, size_t n, record *sorted, size_t *next,
                        pseudonym_stats *stats) {
	sort_into_buckets(bucket, n, sorted, 64 - TOP_BITS - NEXT_BITS, NEXT_BITS, next);
	for (size_t r = 1; r < n; r++) {
		record moved = sorted[r];
		size_t j = r;
		for (; j > 0 && sorted[j - 1].prefix > moved.prefix; j--) sorted[j] = sorted[j - 1];
		sorted[j] = moved;
	}
	int result = RUN_OK;
	for (size_t r = 0, j; result == RUN_OK && r < n; r = j) {
		for (j = r + 1; j < n && sorted[j].prefix == sorted[r].prefix;) j++;
		result = check_prefix(run, sorted + r, j - r, stats);
	}
	return result;
}

/* Gathers each of the part's top buckets from every block (blocks are few and large, so each
 * bucket comes in a few long stretches), then sorts and checks it. */
static void *check_part(void *arg) {
	finish_part *part = arg;
	const pseudonym_run *run = part->run;
	size_t largest = 0;
	for (size_t b = part->first_bucket; b < part->end_bucket; b++) {
		size_t n = 0;
		for (size_t k = 0; k < run->block_count; k++)
			n += run->blocks[k]->bucket_ends[b] - bucket_start(run->blocks[k], b);
		if (n > largest) largest = n;
	}
	record *gathered = malloc((largest ? largest : 1) * sizeof *gathered);
	record *sorted = malloc((largest ? largest : 1) * sizeof *sorted);
	size_t *next = malloc(NEXT_BUCKETS * sizeof *next);
	if (!gathered || !sorted || !next) part->result = RUN_OUT_OF_MEMORY;
	for (size_t b = part->first_bucket; part->result == RUN_OK && b < part->end_bucket; b++) {
		size_t n = 0;
		for (size_t k = 0; k < run->block_count; k++) {
			const record_block *block = run->blocks[k];
			const size_t from = bucket_start(block, b);
			memcpy(gathered + n, block->records + from, (block->bucket_ends[b] - from) * sizeof(record));
			n += block->bucket_ends[b] - from;
		}
		part->result = check_bucket(run, gathered, n, sorted, next, &part->stats);
	}
	if (gathered) explicit_bzero(gathered, largest * sizeof *gathered);
	if (sorted) explicit_bzero(sorted, largest * sizeof *sorted);
	free(gathered);
	free(sorted);
	free(next);
	return NULL;
}

int pseudonym_run_finish(pseudonym_run *run, pseudonym_stats *stats) {
	memset(stats, 0, sizeof *stats);
	/* The query has ended, so no call holds a batch: what they hold becomes the last blocks. */
	for (record_batch *batch = run->free_batches; batch; batch = batch->next)
		if (flush_batch(run, batch) != RUN_OK) return RUN_OUT_OF_MEMORY;
	pthread_mutex_lock(&run->lock);
	size_t n = 0;
	for (size_t k = 0; k < run->block_count; k++) n += run->blocks[k]->count;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t count = n < 100000 || cpus < 2 ? 1 : (size_t)(cpus < MAX_PARTS ? cpus : MAX_PARTS);
	finish_part parts[MAX_PARTS];
	pthread_t threads[MAX_PARTS];
	int started[MAX_PARTS] = {0};
	for (size_t p = 0; p < count; p++) {
		parts[p] = (finish_part){run, TOP_BUCKETS * p / count, TOP_BUCKETS * (p + 1) / count, {0}, RUN_OK};
		if (p + 1 < count) started[p] = pthread_create(&threads[p], NULL, check_part, &parts[p]) == 0;
	}
	/* Parts without a thread of their own run here, while the others run on theirs. */
	for (size_t p = 0; p < count; p++)
		if (!started[p]) check_part(&parts[p]);
	int result = RUN_OK;
	for (size_t p = 0; p < count; p++) {
		if (started[p]) pthread_join(threads[p], NULL);
		if (result == RUN_OK) result = parts[p].result;
		stats->distinct += parts[p].stats.distinct;
		for (int i = 0; i < 3; i++) stats->cpr[i] += parts[p].stats.cpr[i];
	}
	pthread_mutex_unlock(&run->lock);
	return result;
}

void pseudonym_run_destroy(pseudonym_run *run) {
	if (!run) return;
	for (size_t b = 0; b < run->block_count; b++) free_block(run->blocks[b]);
	free(run->blocks);
	while (run->free_batches) {
		record_batch *batch = run->free_batches;
		run->free_batches = batch->next;
		explicit_bzero(batch->records, batch->count * sizeof(record));
		free(batch);
	}
	while (run->texts) {
		text_chunk *chunk = run->texts;
		run->texts = chunk->next;
		explicit_bzero(chunk->bytes, chunk->size);
		free(chunk);
	}
	pthread_mutex_destroy(&run->lock);
	explicit_bzero(run, sizeof *run);
	free(run);
}
