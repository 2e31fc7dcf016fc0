/* DuckDB extension `klarsyn_pseudonym`: pseudonymises inside DuckDB's own threads, row by row, so
 * an extract is one pass over the data with no map table joined back.
 *
 *   klarsyn_pseudonym(key BLOB, tag VARCHAR, cpr BOOLEAN, value VARCHAR) → VARCHAR
 *     32 hex digits: the first 128 bits of HMAC-SHA256(key, tag || value), the value normalised
 *     first when `cpr` (see subkeys.ts, the definition). Key, tag and mode are constants of the
 *     query and name its run (see pseudonym_run.h).
 *   klarsyn_pseudonym_finish(key BLOB, tag VARCHAR, cpr BOOLEAN) → VARCHAR
 *     Ends that run: fails if two distinct values got the same pseudonym, else returns its
 *     counts as JSON; either way overwrites everything the run held.
 *   klarsyn_pseudonym_accelerated() → BOOLEAN  whether the CPU's SHA extensions are in use.
 *
 * Runs live per database instance and die with it. */
#define DUCKDB_EXTENSION_NAME klarsyn_pseudonym
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "duckdb_extension.h"
#include "hmac_sha256.h"
#include "pseudonym_run.h"

DUCKDB_EXTENSION_EXTERN

static const char COLLISION[] = "klarsyn_pseudonym: two distinct values have the same pseudonym; refusing to merge them";
static const char OUT_OF_MEMORY[] = "klarsyn_pseudonym: out of memory";

typedef struct {
	pthread_mutex_t lock;
	pseudonym_run **runs;
	size_t count;
	size_t capacity;
	int references;
} run_registry;

typedef struct {
	const uint8_t *key;
	size_t key_length;
	const uint8_t *tag;
	size_t tag_length;
	int cpr;
} run_id;

static const char *string_data(const duckdb_string_t *s) {
	return s->value.inlined.length <= 12 ? s->value.inlined.inlined : s->value.pointer.ptr;
}

/* DuckDB zero-fills the unused bytes of an inlined string (its own comparisons rely on that), so
 * two short strings are equal when their 16 bytes are. */
static int same_string(const duckdb_string_t *a, const duckdb_string_t *b) {
	uint64_t a_head, b_head, a_tail, b_tail;
	memcpy(&a_head, a, 8);
	memcpy(&b_head, b, 8);
	if (a_head != b_head) return 0;
	memcpy(&a_tail, (const char *)a + 8, 8);
	memcpy(&b_tail, (const char *)b + 8, 8);
	/* Equal tails are equal inlined bytes, or for a long string the same pointer. */
	if (a_tail == b_tail) return 1;
	return a->value.inlined.length > 12 &&
	       memcmp(a->value.pointer.ptr, b->value.pointer.ptr, a->value.inlined.length) == 0;
}

/* The pseudonym as 32 lower-case hex digits. */
static void hex_encode(const uint8_t pseudonym[PSEUDONYM_BYTES], char text[2 * PSEUDONYM_BYTES]) {
#ifdef __SSE2__
	const __m128i bytes = _mm_loadu_si128((const __m128i *)pseudonym), low_nibble = _mm_set1_epi8(0x0f);
	const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), low_nibble), low = _mm_and_si128(bytes, low_nibble);
	const __m128i halves[2] = {_mm_unpacklo_epi8(high, low), _mm_unpackhi_epi8(high, low)};
	for (int h = 0; h < 2; h++) {
		/* '0' + n, and 'a' - '0' - 10 more for n above 9. */
		const __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(halves[h], _mm_set1_epi8(9)), _mm_set1_epi8('a' - '0' - 10));
		_mm_storeu_si128((__m128i *)(text + 16 * h),
		                 _mm_add_epi8(_mm_add_epi8(halves[h], _mm_set1_epi8('0')), letters));
	}
#else
	static const char digits[] = "0123456789abcdef";
	for (int b = 0; b < PSEUDONYM_BYTES; b++) {
		text[2 * b] = digits[pseudonym[b] >> 4];
		text[2 * b + 1] = digits[pseudonym[b] & 15];
	}
#endif
}

static run_id run_of(duckdb_data_chunk input) {
	duckdb_string_t *key = duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 0));
	duckdb_string_t *tag = duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 1));
	bool *cpr = duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 2));
	run_id id = {(const uint8_t *)string_data(&key[0]), key[0].value.inlined.length,
	             (const uint8_t *)string_data(&tag[0]), tag[0].value.inlined.length, cpr[0]};
	return id;
}

/* 1 when none of the first `rows` rows is null. */
static int no_nulls(const uint64_t *validity, idx_t rows) {
	if (!validity) return 1;
	for (idx_t w = 0; w < rows / 64; w++)
		if (validity[w] != ~0ULL) return 0;
	return rows % 64 == 0 || (validity[rows / 64] | ~0ULL << (rows % 64)) == ~0ULL;
}

/* 1 when every row holds row 0's string. A constant argument reaches us flattened, every row the
 * same 16 bytes, which the first loop sees without a branch per row. */
static int all_same_string(const duckdb_string_t *s, idx_t rows) {
	uint64_t first[2], difference = 0;
	memcpy(first, &s[0], sizeof first);
	for (idx_t i = 1; i < rows; i++) {
		uint64_t row[2];
		memcpy(row, &s[i], sizeof row);
		difference |= (row[0] ^ first[0]) | (row[1] ^ first[1]);
	}
	for (idx_t i = 1; difference && i < rows; i++)
		if (!same_string(&s[i], &s[0])) return 0;
	return 1;
}

/* The key, tag and mode must be the query's constants: every row must carry row 0's. */
static int run_is_constant(duckdb_data_chunk input, idx_t rows) {
	for (idx_t c = 0; c < 3; c++)
		if (!no_nulls(duckdb_vector_get_validity(duckdb_data_chunk_get_vector(input, c)), rows)) return 0;
	const bool *cpr = duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 2));
	int different_mode = 0;
	for (idx_t i = 1; i < rows; i++) different_mode |= cpr[i] != cpr[0];
	return !different_mode && all_same_string(duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 0)), rows) &&
	       all_same_string(duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 1)), rows);
}

/* The rows of a call, or 0 (with the query's error set) when its key, tag and mode are not constants. */
static idx_t checked_rows(duckdb_function_info info, duckdb_data_chunk input) {
	idx_t rows = duckdb_data_chunk_get_size(input);
	if (rows > 0 && !run_is_constant(input, rows)) {
		duckdb_scalar_function_set_error(info, "klarsyn_pseudonym: key, tag and mode must be non-null constants");
		return 0;
	}
	return rows;
}

/* The run, made on first use; NULL when out of memory or the key is empty. */
static pseudonym_run *find_run(run_registry *registry, run_id id, int create, int remove) {
	pseudonym_run *found = NULL;
	uint8_t fingerprint[PSEUDONYM_RUN_FINGERPRINT];
	pseudonym_run_key_fingerprint(id.key, id.key_length, fingerprint);
	pthread_mutex_lock(&registry->lock);
	for (size_t i = 0; i < registry->count; i++) {
		if (pseudonym_run_is_for(registry->runs[i], fingerprint, id.tag, id.tag_length, id.cpr)) {
			found = registry->runs[i];
			if (remove) registry->runs[i] = registry->runs[--registry->count];
			break;
		}
	}
	if (!found && create && id.key_length > 0) {
		if (registry->count == registry->capacity) {
			size_t capacity = registry->capacity ? registry->capacity * 2 : 4;
			pseudonym_run **runs = realloc(registry->runs, capacity * sizeof *runs);
			if (runs) {
				registry->runs = runs;
				registry->capacity = capacity;
			}
		}
		if (registry->count < registry->capacity) {
			found = pseudonym_run_create(id.key, id.key_length, id.tag, id.tag_length, id.cpr);
			if (found) registry->runs[registry->count++] = found;
		}
	}
	pthread_mutex_unlock(&registry->lock);
	return found;
}

static void pseudonymise(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
	run_registry *registry = duckdb_scalar_function_get_extra_info(info);
	idx_t rows = checked_rows(info, input);
	if (rows == 0) return;
	pseudonym_run *run = find_run(registry, run_of(input), 1, 0);
	if (!run) {
		duckdb_scalar_function_set_error(info, "klarsyn_pseudonym: an empty key, or out of memory");
		return;
	}
	duckdb_vector values = duckdb_data_chunk_get_vector(input, 3);
	const duckdb_string_t *strings = duckdb_vector_get_data(values);
	const uint64_t *validity = duckdb_vector_get_validity(values);
	/* The call's rows with a value unlike the row before: their values, and their pseudonyms. */
	void *scratch = malloc(rows * (sizeof(idx_t) + sizeof(const uint8_t *) + sizeof(size_t) + PSEUDONYM_BYTES));
	if (!scratch) {
		duckdb_scalar_function_set_error(info, OUT_OF_MEMORY);
		return;
	}
	idx_t *new_rows = scratch;
	const uint8_t **distinct = (const uint8_t **)(new_rows + rows);
	size_t *lengths = (size_t *)(distinct + rows);
	uint8_t(*pseudonyms)[PSEUDONYM_BYTES] = (void *)(lengths + rows);
	/* Registers often keep a person's rows together: a row equal to the row before takes its
	 * pseudonym as it is (the output string points into the vector's own heap, so sharing is safe). */
	size_t count = 0;
	for (idx_t i = 0, previous_valid = 0; i < rows; i++) {
		if (validity && !((validity[i / 64] >> (i % 64)) & 1)) {
			previous_valid = 0;
			continue;
		}
		if (!previous_valid || !same_string(&strings[i], &strings[i - 1])) {
			new_rows[count] = i;
			distinct[count] = (const uint8_t *)string_data(&strings[i]);
			lengths[count++] = strings[i].value.inlined.length;
		}
		previous_valid = 1;
	}
	int result = pseudonym_run_pseudonymise(run, distinct, lengths, count, pseudonyms);
	if (result == RUN_OK) {
		duckdb_string_t *out = duckdb_vector_get_data(output);
		duckdb_string_t previous = {0};
		for (idx_t i = 0, next = 0; i < rows; i++) {
			if (next < count && new_rows[next] == i) {
				char text[2 * PSEUDONYM_BYTES];
				hex_encode(pseudonyms[next++], text);
				duckdb_vector_assign_string_element_len(output, i, text, sizeof text);
				previous = out[i];
			} else {
				/* A repeat, or a null row (its string is never read). */
				out[i] = previous;
			}
		}
		if (validity) {
			duckdb_vector_ensure_validity_writable(output);
			memcpy(duckdb_vector_get_validity(output), validity, (rows + 63) / 64 * sizeof *validity);
		}
	}
	free(scratch);
	if (result != RUN_OK) duckdb_scalar_function_set_error(info, OUT_OF_MEMORY);
}

static void finish(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
	run_registry *registry = duckdb_scalar_function_get_extra_info(info);
	idx_t rows = checked_rows(info, input);
	if (rows == 0) return;
	pseudonym_run *run = find_run(registry, run_of(input), 0, 1);
	pseudonym_stats stats = {0};
	int result = run ? pseudonym_run_finish(run, &stats) : RUN_OK;
	pseudonym_run_destroy(run);
	if (result != RUN_OK) {
		duckdb_scalar_function_set_error(info, result == RUN_COLLISION ? COLLISION : OUT_OF_MEMORY);
		return;
	}
	char json[200];
	int length = snprintf(json, sizeof json,
	                      "{\"distinct\":%llu,\"valid\":%llu,\"valid_no_mod11\":%llu,\"invalid\":%llu}",
	                      (unsigned long long)stats.distinct, (unsigned long long)stats.cpr[0],
	                      (unsigned long long)stats.cpr[1], (unsigned long long)stats.cpr[2]);
	for (idx_t i = 0; i < rows; i++) duckdb_vector_assign_string_element_len(output, i, json, (idx_t)length);
}

static void accelerated(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
	(void)info;
	bool *out = duckdb_vector_get_data(output);
	idx_t rows = duckdb_data_chunk_get_size(input);
	for (idx_t i = 0; i < (rows ? rows : 1); i++) out[i] = sha256_accelerated();
}

static void release_registry(void *data) {
	run_registry *registry = data;
	if (__atomic_sub_fetch(&registry->references, 1, __ATOMIC_ACQ_REL) > 0) return;
	for (size_t i = 0; i < registry->count; i++) pseudonym_run_destroy(registry->runs[i]);
	free(registry->runs);
	pthread_mutex_destroy(&registry->lock);
	free(registry);
}

static int add_function(duckdb_connection connection, const char *name, duckdb_type const *parameters, int count,
                        duckdb_type result, duckdb_scalar_function_t body, run_registry *registry) {
	duckdb_scalar_function function = duckdb_create_scalar_function();
	duckdb_scalar_function_set_name(function, name);
	for (int i = 0; i < count; i++) {
		duckdb_logical_type type = duckdb_create_logical_type(parameters[i]);
		duckdb_scalar_function_add_parameter(function, type);
		duckdb_destroy_logical_type(&type);
	}
	duckdb_logical_type type = duckdb_create_logical_type(result);
	duckdb_scalar_function_set_return_type(function, type);
	duckdb_destroy_logical_type(&type);
	duckdb_scalar_function_set_function(function, body);
	/* Nulls reach the function (it answers null for a null value and refuses a null key). */
	duckdb_scalar_function_set_special_handling(function);
	if (body != pseudonymise) duckdb_scalar_function_set_volatile(function);
	__atomic_add_fetch(&registry->references, 1, __ATOMIC_ACQ_REL);
	duckdb_scalar_function_set_extra_info(function, registry, release_registry);
	duckdb_state state = duckdb_register_scalar_function(connection, function);
	duckdb_destroy_scalar_function(&function);
	return state == DuckDBSuccess;
}

DUCKDB_EXTENSION_ENTRYPOINT(duckdb_connection connection, duckdb_extension_info info,
                            struct duckdb_extension_access *access) {
	sha256_select(getenv("KLARSYN_PSEUDONYM_PORTABLE") != NULL);
	run_registry *registry = calloc(1, sizeof *registry);
	if (!registry) {
		access->set_error(info, "klarsyn_pseudonym: out of memory");
		return false;
	}
	pthread_mutex_init(&registry->lock, NULL);
	registry->references = 1;
	const duckdb_type run[] = {DUCKDB_TYPE_BLOB, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_BOOLEAN, DUCKDB_TYPE_VARCHAR};
	int ok = add_function(connection, "klarsyn_pseudonym", run, 4, DUCKDB_TYPE_VARCHAR, pseudonymise, registry) &&
	         add_function(connection, "klarsyn_pseudonym_finish", run, 3, DUCKDB_TYPE_VARCHAR, finish, registry) &&
	         add_function(connection, "klarsyn_pseudonym_accelerated", run, 0, DUCKDB_TYPE_BOOLEAN, accelerated,
	                      registry);
	release_registry(registry);
	if (!ok) access->set_error(info, "klarsyn_pseudonym: could not register its functions");
	return ok;
}
