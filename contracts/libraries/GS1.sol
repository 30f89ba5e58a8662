// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title GS1
/// @notice Pure checks of GS1 identifiers as the DrugProvenance contract receives them: GTIN-14
/// and GLN-13 check digits, company prefix lengths, and AI (17) expiry dates `YYMMDD`.
/// @dev Expiry years are read as 20YY: a GTIN-labelled drug of this century (GS1's sliding
/// century window only matters for dates 50 years away).
library GS1 {
    /// @notice Exclusive upper bound of a 14-digit number.
    uint64 internal constant GTIN14_LIMIT = 1e14;
    /// @notice Exclusive upper bound of a GTIN-8. GS1 assigns GTIN-8s one by one, so the "prefix"
    /// of one is all twelve digits after the indicator digit: the GTIN-8 itself.
    uint64 internal constant GTIN8_LIMIT = 1e8;
    /// @notice Exclusive upper bound of a 13-digit number (a GLN-13).
    uint64 internal constant GLN13_LIMIT = 1e13;
    /// @notice Digits before the check digit of a GTIN-14.
    uint256 internal constant GTIN_BODY_DIGITS = 13;
    /// @notice Digits of the shortest GS1 company prefix (EPC SGTIN partition table).
    uint8 internal constant MIN_COMPANY_PREFIX_LENGTH = 6;
    /// @notice Digits of the longest GS1 company prefix (EPC SGTIN partition table), and of a GTIN-8's.
    uint8 internal constant MAX_COMPANY_PREFIX_LENGTH = 12;

    uint256 private constant _CHECK_WEIGHT_ODD = 3;
    uint256 private constant _BASE = 10;
    uint256 private constant _CENTURY = 2000;
    uint256 private constant _MONTHS = 12;
    uint256 private constant _SECONDS_PER_DAY = 86_400;

    /// @dev `YYMMDD` fields: the year is the number over 10^4, the month the two digits over 10^2,
    /// and a two-digit field is taken modulo 10^2; six digits at most.
    uint256 private constant _YEAR_DIVISOR = 10_000;
    uint256 private constant _MONTH_DIVISOR = 100;
    uint256 private constant _TWO_DIGITS = 100;
    uint32 private constant _MAX_YYMMDD = 999_999;

    /// @dev Month numbers and lengths: February (28 days, 29 in a leap year), the 30-day months
    /// April, June, September and November, and 31 days for the others.
    uint256 private constant _FEBRUARY = 2;
    uint256 private constant _MARCH = 3;
    uint256 private constant _APRIL = 4;
    uint256 private constant _JUNE = 6;
    uint256 private constant _SEPTEMBER = 9;
    uint256 private constant _NOVEMBER = 11;
    uint256 private constant _FEBRUARY_DAYS = 28;
    uint256 private constant _SHORT_MONTH_DAYS = 30;
    uint256 private constant _LONG_MONTH_DAYS = 31;

    /// @dev Gregorian leap years: every 4th year, except every 100th, except every 400th.
    uint256 private constant _LEAP_CYCLE = 4;
    uint256 private constant _YEARS_PER_CENTURY = 100;
    uint256 private constant _DAYS_PER_YEAR = 365;

    /// @dev days_from_civil counts years from March, so that February, with its leap day, ends
    /// them. Months March to July have 153 days, and so do August to December: `(153 * m + 2) / 5`
    /// is the days before month `m` (0 = March) of such a year, the `+ 2` rounding each month's
    /// share of the five-month block to its exact start.
    uint256 private constant _DAYS_PER_FIVE_MONTHS = 153;
    uint256 private constant _FIVE_MONTHS = 5;
    uint256 private constant _MONTH_START_ROUNDING = 2;
    /// @dev Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar (civil-from-days algorithm).
    uint256 private constant _EPOCH_SHIFT = 719_468;
    uint256 private constant _DAYS_PER_ERA = 146_097;
    uint256 private constant _YEARS_PER_ERA = 400;

    /// @notice Whether `gtin` is a non-zero GTIN-14 (shorter GTINs left-padded with zeros) whose
    /// last digit is the GS1 mod-10 check digit of the other thirteen.
    /// @param gtin the GTIN as a number.
    /// @return whether it is a GTIN-14 (or a shorter GTIN) with a correct check digit.
    function isValidGtin(uint64 gtin) internal pure returns (bool) {
        if (gtin == 0 || gtin >= GTIN14_LIMIT) return false;
        uint256 rest = gtin / _BASE;
        // slither-disable-next-line uninitialized-local -- sums from zero
        uint256 sum;
        // Weights 3, 1, 3, ... from the digit next to the check digit leftwards.
        for (uint256 i = 0; i < GTIN_BODY_DIGITS; ++i) {
            uint256 digit = rest % _BASE;
            sum += i % 2 == 0 ? digit * _CHECK_WEIGHT_ODD : digit;
            rest /= _BASE;
        }
        return (_BASE - (sum % _BASE)) % _BASE == gtin % _BASE;
    }

    /// @notice Whether `gln` is a GLN-13 whose last digit is the GS1 mod-10 check digit of the
    /// other twelve (the GTIN check with indicator digit 0).
    /// @param gln the GLN as a number.
    /// @return whether it is a non-zero number of at most 13 digits with a correct check digit.
    function isValidGln(uint64 gln) internal pure returns (bool) {
        return gln < GLN13_LIMIT && isValidGtin(gln);
    }

    /// @notice The company prefix of `gtin` if it is `length` digits long: the digits after the
    /// GTIN-14's indicator digit. `length` must be a valid company prefix length.
    /// @param gtin a GTIN-14 as a number.
    /// @param length the prefix's number of digits, 6 to 12.
    /// @return the prefix as a number (its leading zeros implied by `length`).
    function companyPrefixOf(uint64 gtin, uint8 length) internal pure returns (uint64) {
        return uint64((gtin / _BASE ** (GTIN_BODY_DIGITS - length)) % _BASE ** length);
    }

    /// @notice Whether `companyPrefix` fits in `length` digits.
    /// @param companyPrefix the prefix as a number.
    /// @param length the prefix's number of digits.
    /// @return whether `companyPrefix < 10 ** length`.
    function fitsCompanyPrefix(uint64 companyPrefix, uint8 length) internal pure returns (bool) {
        return companyPrefix < _BASE ** length;
    }

    /// @notice Whether `length` is a possible GS1 company prefix length.
    /// @param length a number of digits.
    /// @return whether it is 6 to 12.
    function isValidCompanyPrefixLength(uint8 length) internal pure returns (bool) {
        return length >= MIN_COMPANY_PREFIX_LENGTH && length <= MAX_COMPANY_PREFIX_LENGTH;
    }

    /// @notice Whether `length` is a possible company prefix length of `gtin`: 12 for a GTIN-8.
    /// @param gtin a GTIN-14 as a number; below 10^8 a GTIN-8.
    /// @param length the declared prefix length, in digits.
    /// @return whether `length` is 12 for a GTIN-8, else 6 to 12.
    function isValidCompanyPrefixLengthOf(uint64 gtin, uint8 length) internal pure returns (bool) {
        if (gtin < GTIN8_LIMIT) return length == MAX_COMPANY_PREFIX_LENGTH;
        return isValidCompanyPrefixLength(length);
    }

    /// @notice Whether `yymmdd` is a GS1 date: month 1-12, day 0 (end of month) up to the month's length.
    /// @param yymmdd the date as a number, e.g. 271231 for 2027-12-31 (years read as 20YY).
    /// @return whether it is a real date, day 00 included.
    function isValidExpiry(uint32 yymmdd) internal pure returns (bool) {
        (uint256 year, uint256 month, uint256 day) = _split(yymmdd);
        if (yymmdd > _MAX_YYMMDD || month == 0 || month > _MONTHS) return false;
        return day <= _daysInMonth(year, month);
    }

    /// @notice The last second (UTC) of the expiry date `yymmdd`; day 00 is the month's last day.
    /// @dev Requirements: `isValidExpiry(yymmdd)`.
    /// @param yymmdd a valid GS1 date as a number (years read as 20YY).
    /// @return the unix time of 23:59:59 UTC on that day.
    function expiryEnd(uint32 yymmdd) internal pure returns (uint256) {
        (uint256 year, uint256 month, uint256 day) = _split(yymmdd);
        if (day == 0) day = _daysInMonth(year, month);
        return (_daysFromCivil(year, month, day) + 1) * _SECONDS_PER_DAY - 1;
    }

    function _split(uint32 yymmdd) private pure returns (uint256 year, uint256 month, uint256 day) {
        year = _CENTURY + yymmdd / _YEAR_DIVISOR;
        month = (yymmdd / _MONTH_DIVISOR) % _TWO_DIGITS;
        day = yymmdd % _TWO_DIGITS;
    }

    function _daysInMonth(uint256 year, uint256 month) private pure returns (uint256) {
        if (month == _FEBRUARY) {
            bool leap = (year % _LEAP_CYCLE == 0 && year % _YEARS_PER_CENTURY != 0) || year % _YEARS_PER_ERA == 0;
            return leap ? _FEBRUARY_DAYS + 1 : _FEBRUARY_DAYS;
        }
        bool thirtyDays = month == _APRIL || month == _JUNE || month == _SEPTEMBER || month == _NOVEMBER;
        return thirtyDays ? _SHORT_MONTH_DAYS : _LONG_MONTH_DAYS;
    }

    /// @dev Days since 1970-01-01 of a date from 1970 on (H. Hinnant's days_from_civil).
    function _daysFromCivil(uint256 year, uint256 month, uint256 day) private pure returns (uint256) {
        if (month < _MARCH) --year;
        // slither-disable-next-line divide-before-multiply -- days_from_civil: the era is a floor on purpose
        uint256 era = year / _YEARS_PER_ERA;
        uint256 yearOfEra = year - era * _YEARS_PER_ERA;
        uint256 shiftedMonth = month >= _MARCH ? month - _MARCH : month + _MONTHS - _MARCH;
        uint256 dayOfYear = (_DAYS_PER_FIVE_MONTHS * shiftedMonth + _MONTH_START_ROUNDING) / _FIVE_MONTHS + day - 1;
        uint256 dayOfEra =
            yearOfEra * _DAYS_PER_YEAR + yearOfEra / _LEAP_CYCLE - yearOfEra / _YEARS_PER_CENTURY + dayOfYear;
        return era * _DAYS_PER_ERA + dayOfEra - _EPOCH_SHIFT;
    }
}
