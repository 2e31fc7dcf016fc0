/* CPR numbers as the TypeScript module cpr.ts defines them: the same normal form and statuses, so
 * a pseudonym made here equals the reference one. */
#ifndef KLARSYN_CPR_H
#define KLARSYN_CPR_H

#include <stddef.h>
#include <stdint.h>

enum cpr_status { CPR_VALID = 0, CPR_VALID_NO_MOD11 = 1, CPR_INVALID = 2 };

/* `DDMMYYSSSS` or `DDMMYY-SSSS`, surrounding ASCII whitespace ignored → 1 and the ten digits in
 * `digits`; anything else → 0. */
int cpr_normalise(const uint8_t *value, size_t length, uint8_t digits[10]);

/* Calendar date by the century table, then modulus 11 (information only). */
enum cpr_status cpr_status_of_digits(const uint8_t digits[10]);

#endif
