#include "cpr.h"

static int is_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

int cpr_normalise(const uint8_t *value, size_t length, uint8_t digits[10]) {
	while (length > 0 && is_space(value[0])) {
		value++;
		length--;
	}
	while (length > 0 && is_space(value[length - 1])) length--;
	if (length != 10 && !(length == 11 && value[6] == '-')) return 0;
	for (size_t i = 0, j = 0; i < length; i++) {
		if (length == 11 && i == 6) continue;
		if (!is_digit(value[i])) return 0;
		digits[j++] = value[i];
	}
	return 1;
}

static int birth_year(int yy, int seventh) {
	if (seventh <= 3) return 1900 + yy;
	if (seventh == 4 || seventh == 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
	return yy <= 57 ? 2000 + yy : 1800 + yy;
}

static int is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

enum cpr_status cpr_status_of_digits(const uint8_t digits[10]) {
	static const uint8_t days_in_month[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	static const int weights[10] = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
	int d[10], sum = 0;
	for (int i = 0; i < 10; i++) {
		d[i] = digits[i] - '0';
		sum += d[i] * weights[i];
	}
	int day = d[0] * 10 + d[1], month = d[2] * 10 + d[3];
	if (month < 1 || month > 12 || day < 1 || day > days_in_month[month]) return CPR_INVALID;
	/* Only 29 February needs the century (the year's digits alone cannot tell 1900 from 2000). */
	if (month == 2 && day == 29 && !is_leap(birth_year(d[4] * 10 + d[5], d[6]))) return CPR_INVALID;
	return sum % 11 == 0 ? CPR_VALID : CPR_VALID_NO_MOD11;
}
