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

static const char *string_data(duckdb_string_t *s) {
	return s->value.inlined.length <= 12 ? s->value.inlined.inlined : s->value.pointer.ptr;
}

/* DuckDB zero-fills the unused bytes of an inlined string (its own comparisons rely on that), so
 * two short strings are equal when their 16 bytes are. */
static int same_string(const duckdb_string_t *a, const duckdb_string_t *b) {
	uint64_t a_head, b_head, a_tail, b_tail;
	memcpy(&a_head, a, 8);
	memcpy(&b_head, b, 8);
	if (a_head != b_head) return 0;
	if (a->value.inlined.length > 12) return memcmp(a->value.pointer.ptr, b->value.pointer.ptr, a->value.inlined.length) == 0;
	memcpy(&a_tail, (const char *)a + 8, 8);
	memcpy(&b_tail, (const char *)b + 8, 8);
	return a_tail == b_tail;
}

static run_id run_of(duckdb_data_chunk input) {
	duckdb_string_t *key = duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 0));
	duckdb_string_t *tag = duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 1));
	bool *cpr = duckdb_vector_get_data(duckdb_data_chunk_get_vector(input, 2));
	run_id id = {(const uint8_t *)string_data(&key[0]), key[0].value.inlined.length,
	             (const uint8_t *)string_data(&tag[0]), tag[0].value.inlined.length, cpr[0]};
	return id;
}

/* The key, tag and mode must be the query's constants: every row must carry row 0's. */
static int run_is_constant(duckdb_data_chunk input, idx_t rows) {
	for (idx_t c = 0; c < 3; c++) {
		duckdb_vector vector = duckdb_data_chunk_get_vector(input, c);
		uint64_t *validity = duckdb_vector_get_validity(vector);
		if (validity)
			for (idx_t i = 0; i < rows; i++)
				if (!duckdb_validity_row_is_valid(validity, i)) return 0;
		if (c == 2) {
			bool *cpr = duckdb_vector_get_data(vector);
			for (idx_t i = 1; i < rows; i++)
				if (cpr[i] != cpr[0]) return 0;
			continue;
		}
		duckdb_string_t *s = duckdb_vector_get_data(vector);
		for (idx_t i = 1; i < rows; i++) {
			if (s[i].value.inlined.length != s[0].value.inlined.length) return 0;
			if (s[i].value.inlined.length > 12 && s[i].value.pointer.ptr == s[0].value.pointer.ptr) continue;
			if (memcmp(string_data(&s[i]), string_data(&s[0]), s[0].value.inlined.length) != 0) return 0;
		}
	}
	return 1;
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
	duckdb_string_t *strings = duckdb_vector_get_data(values);
	uint64_t *validity = duckdb_vector_get_validity(values);
	/* Registers often keep a person's rows together: a row equal to the row before takes its
	 * pseudonym as it is (the output string points into the vector's own heap, so sharing is safe). */
	const uint8_t **distinct = malloc(rows * sizeof *distinct);
	size_t *lengths = malloc(rows * sizeof *lengths);
	uint8_t(*pseudonyms)[PSEUDONYM_BYTES] = malloc(rows * PSEUDONYM_BYTES);
	enum { ROW_NULL, ROW_NEW, ROW_REPEAT } *kind = malloc(rows * sizeof *kind);
	int result = distinct && lengths && pseudonyms && kind ? 0 : -2;
	size_t count = 0;
	for (idx_t i = 0; result == 0 && i < rows; i++) {
		size_t length = strings[i].value.inlined.length;
		const char *data = string_data(&strings[i]);
		if (validity && !((validity[i / 64] >> (i % 64)) & 1)) {
			kind[i] = ROW_NULL;
		} else if (i > 0 && kind[i - 1] != ROW_NULL && same_string(&strings[i], &strings[i - 1])) {
			kind[i] = ROW_REPEAT;
		} else {
			kind[i] = ROW_NEW;
			distinct[count] = (const uint8_t *)data;
			lengths[count++] = length;
		}
	}
	if (result == 0) result = pseudonym_run_pseudonymise(run, distinct, lengths, count, pseudonyms);
	if (result == 0) {
		duckdb_string_t *out = duckdb_vector_get_data(output);
		uint64_t *out_validity = NULL;
		static const char hex[] = "0123456789abcdef";
		size_t next = 0;
		for (idx_t i = 0; i < rows; i++) {
			if (kind[i] == ROW_REPEAT) {
				out[i] = out[i - 1];
			} else if (kind[i] == ROW_NULL) {
				if (!out_validity) {
					duckdb_vector_ensure_validity_writable(output);
					out_validity = duckdb_vector_get_validity(output);
				}
				duckdb_validity_set_row_invalid(out_validity, i);
			} else {
				const uint8_t *pseudonym = pseudonyms[next++];
				char text[2 * PSEUDONYM_BYTES];
				for (int b = 0; b < PSEUDONYM_BYTES; b++) {
					text[2 * b] = hex[pseudonym[b] >> 4];
					text[2 * b + 1] = hex[pseudonym[b] & 15];
				}
				duckdb_vector_assign_string_element_len(output, i, text, sizeof text);
			}
		}
	}
	if (pseudonyms) explicit_bzero(pseudonyms, rows * PSEUDONYM_BYTES);
	free(distinct);
	free(lengths);
	free(pseudonyms);
	free(kind);
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
