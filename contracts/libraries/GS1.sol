// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title GS1
/// @notice Pure checks of GS1 identifiers as the DrugProvenance contract receives them: GTIN-14
/// check digits, company prefix lengths, and AI (17) expiry dates `YYMMDD`.
/// @dev Expiry years are read as 20YY: a GTIN-labelled drug of this century (GS1's sliding
/// century window only matters for dates 50 years away).
library GS1 {
    /// @notice Exclusive upper bound of a 14-digit number.
    uint64 internal constant GTIN14_LIMIT = 1e14;
    /// @notice Digits before the check digit of a GTIN-14.
    uint256 internal constant GTIN_BODY_DIGITS = 13;
    /// @notice Shortest and longest GS1 company prefix (EPC SGTIN partition table).
    uint8 internal constant MIN_COMPANY_PREFIX_LENGTH = 6;
    uint8 internal constant MAX_COMPANY_PREFIX_LENGTH = 12;

    uint256 private constant _CHECK_WEIGHT_ODD = 3;
    uint256 private constant _BASE = 10;
    uint256 private constant _CENTURY = 2000;
    uint256 private constant _MONTHS = 12;
    uint256 private constant _SECONDS_PER_DAY = 86_400;
    /// @dev Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar (civil-from-days algorithm).
    uint256 private constant _EPOCH_SHIFT = 719_468;
    uint256 private constant _DAYS_PER_ERA = 146_097;
    uint256 private constant _YEARS_PER_ERA = 400;

    /// @notice Whether `gtin` is a non-zero GTIN-14 (shorter GTINs left-padded with zeros) whose
    /// last digit is the GS1 mod-10 check digit of the other thirteen.
    function isValidGtin(uint64 gtin) internal pure returns (bool) {
        if (gtin == 0 || gtin >= GTIN14_LIMIT) return false;
        uint256 rest = gtin / _BASE;
        uint256 sum;
        // Weights 3, 1, 3, ... from the digit next to the check digit leftwards.
        for (uint256 i = 0; i < GTIN_BODY_DIGITS; ++i) {
            uint256 digit = rest % _BASE;
            sum += i % 2 == 0 ? digit * _CHECK_WEIGHT_ODD : digit;
            rest /= _BASE;
        }
        return (_BASE - sum % _BASE) % _BASE == gtin % _BASE;
    }

    /// @notice Whether `length` is a possible GS1 company prefix length.
    function isValidCompanyPrefixLength(uint8 length) internal pure returns (bool) {
        return length >= MIN_COMPANY_PREFIX_LENGTH && length <= MAX_COMPANY_PREFIX_LENGTH;
    }

    /// @notice Whether `yymmdd` is a GS1 date: month 1-12, day 0 (end of month) up to the month's length.
    function isValidExpiry(uint32 yymmdd) internal pure returns (bool) {
        (uint256 year, uint256 month, uint256 day) = _split(yymmdd);
        if (yymmdd > 999_999 || month == 0 || month > _MONTHS) return false;
        return day <= _daysInMonth(year, month);
    }

    /// @notice The last second (UTC) of the expiry date `yymmdd`; day 00 is the month's last day.
    /// @dev Requirements: `isValidExpiry(yymmdd)`.
    function expiryEnd(uint32 yymmdd) internal pure returns (uint256) {
        (uint256 year, uint256 month, uint256 day) = _split(yymmdd);
        if (day == 0) day = _daysInMonth(year, month);
        return (_daysFromCivil(year, month, day) + 1) * _SECONDS_PER_DAY - 1;
    }

    function _split(uint32 yymmdd) private pure returns (uint256 year, uint256 month, uint256 day) {
        year = _CENTURY + yymmdd / 10_000;
        month = (yymmdd / 100) % 100;
        day = yymmdd % 100;
    }

    function _daysInMonth(uint256 year, uint256 month) private pure returns (uint256) {
        if (month == 2) {
            bool leap = (year % 4 == 0 && year % 100 != 0) || year % _YEARS_PER_ERA == 0;
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /// @dev Days since 1970-01-01 of a date from 1970 on (H. Hinnant's days_from_civil).
    function _daysFromCivil(uint256 year, uint256 month, uint256 day) private pure returns (uint256) {
        if (month <= 2) year -= 1;
        uint256 era = year / _YEARS_PER_ERA;
        uint256 yearOfEra = year - era * _YEARS_PER_ERA;
        uint256 shiftedMonth = month > 2 ? month - 3 : month + 9;
        uint256 dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1;
        uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * _DAYS_PER_ERA + dayOfEra - _EPOCH_SHIFT;
    }
}
