"""China master data for the customer archive (制度 二.2 / 三.2 / 四.2: 客户信息完整、准确、及时、保密).

Pure functions on cell values — nothing here reads or writes a workbook — so the customer ledger,
the CLI and the tests share one meaning of "a valid credit code", "the same phone" or "the same
company". Every check accepts whatever a cell can hold (None, NaN, floats such as
``13812345678.0``, very long or control-laden text) and answers with a result object whose
Chinese ``reason`` says what is wrong and what to do; none raises on bad input.

- :mod:`~neiqin.core.china.uscc` — 统一社会信用代码 (GB 32100-2015 and amendments);
- :mod:`~neiqin.core.china.divisions` — 行政区划 (MCA codes since 1981): names, codes, 省/市/区县
  consistency, the division prefix of an address;
- :mod:`~neiqin.core.china.contact` — mobile and landline numbers (``phonenumbers``), e-mail (``email-validator``);
- :mod:`~neiqin.core.china.names` — name keys for duplicates (company and person);
- :mod:`~neiqin.core.china.dupes` — probable duplicate customers at scale, with evidence per pair;
- :mod:`~neiqin.core.china.masking` — masked values for exports.

Data: ``data/divisions.csv`` (source and licence in ``data/README.md``: Ministry of Civil Affairs
codes via the areacodes project, CC0 1.0).
"""

from neiqin.core.china.contact import (
    EmailCheck,
    PhoneCheck,
    check_email,
    check_phone,
    is_mobile,
    normalize_email,
    normalize_phone,
    phone_key,
)
from neiqin.core.china.divisions import (
    AddressParts,
    Division,
    RegionCheck,
    RegionNames,
    agrees_with_code,
    check_region,
    code_of,
    division,
    find_city,
    find_district,
    find_province,
    is_city_of,
    is_district_of,
    is_province,
    parse_address,
    region_names,
)
from neiqin.core.china.dupes import (
    CommonValue,
    Customer,
    DuplicateGroup,
    DuplicateReport,
    Evidence,
    Finding,
    PairEvidence,
    find_duplicates,
)
from neiqin.core.china.masking import (
    mask_address,
    mask_email,
    mask_mobile,
    mask_person,
    mask_phone,
    mask_uscc,
)
from neiqin.core.china.names import company_core, company_key, person_key
from neiqin.core.china.uscc import (
    RegionAgreement,
    UsccCheck,
    check_uscc,
    is_valid_uscc,
    normalize_uscc,
    uscc_region_check,
)

__all__ = [
    "AddressParts",
    "CommonValue",
    "Customer",
    "Division",
    "DuplicateGroup",
    "DuplicateReport",
    "EmailCheck",
    "Evidence",
    "Finding",
    "PairEvidence",
    "PhoneCheck",
    "RegionAgreement",
    "RegionCheck",
    "RegionNames",
    "UsccCheck",
    "agrees_with_code",
    "check_email",
    "check_phone",
    "check_region",
    "check_uscc",
    "code_of",
    "company_core",
    "company_key",
    "division",
    "find_city",
    "find_district",
    "find_duplicates",
    "find_province",
    "is_city_of",
    "is_district_of",
    "is_mobile",
    "is_province",
    "is_valid_uscc",
    "mask_address",
    "mask_email",
    "mask_mobile",
    "mask_person",
    "mask_phone",
    "mask_uscc",
    "normalize_email",
    "normalize_phone",
    "normalize_uscc",
    "parse_address",
    "person_key",
    "phone_key",
    "region_names",
    "uscc_region_check",
]
