"""A small sample of the AWS Price List Query API for local mode (moto 5.2.1 has no `pricing`).

Answers `AWSPriceListService.GetProducts` (JSON 1.1) in AWS's real shape: `FormatVersion`,
`PriceList` as a list of JSON *strings* (product + terms.OnDemand price dimensions), and
`NextToken` paging (MaxResults, default 100). TERM_MATCH filters match a product attribute or
`productFamily`, as AWS does. The sample covers two regions (us-east-1, eu-west-1), every product
the provider collector reads, with their public on-demand prices; other regions answer an empty
list, so the collector's embedded fallback is exercised too.
"""

from __future__ import annotations

import json
from typing import Any

PUBLICATION_DATE = "2025-06-01T00:00:00Z"
LOCATIONS = {"us-east-1": ("US East (N. Virginia)", "USE1"), "eu-west-1": ("EU (Ireland)", "EU")}


def _product(service: str, family: str, attributes: dict[str, str], tiers: list[tuple[str, str | None, str, str]]) -> dict[str, Any]:
    sku = f"SKU{abs(hash((service, family, tuple(sorted(attributes.items()))))) % 10**12:012d}"
    dims = {}
    for begin, end, usd, unit in tiers:
        rate = f"{sku}.JRTCKXETXF.{len(dims) + 1:010d}"
        dims[rate] = {
            "rateCode": rate,
            "description": f"{attributes.get('group', family)} {begin}-{end or 'Inf'}",
            "beginRange": begin,
            "endRange": end or "Inf",
            "unit": unit,
            "pricePerUnit": {"USD": usd},
            "appliesTo": [],
        }
    return {
        "product": {"productFamily": family, "attributes": {"servicecode": service, **attributes}, "sku": sku},
        "serviceCode": service,
        "terms": {"OnDemand": {f"{sku}.JRTCKXETXF": {"priceDimensions": dims, "sku": sku, "effectiveDate": PUBLICATION_DATE, "offerTermCode": "JRTCKXETXF", "termAttributes": {}}}},
        "version": "20250601000000",
        "publicationDate": PUBLICATION_DATE,
    }


def _products() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for region, (location, prefix) in LOCATIONS.items():
        loc = {"regionCode": region, "location": location, "locationType": "AWS Region"}
        lam = [
            ("AWS-Lambda-Duration", "Lambda-GB-Second", "0.0000166667"),
            ("AWS-Lambda-Duration-ARM", "Lambda-GB-Second", "0.0000133334"),
            ("AWS-Lambda-Requests", "Request", "0.0000002"),
            ("AWS-Lambda-Requests-ARM", "Request", "0.0000002"),
        ]
        for group, unit, usd in lam:
            family = "Serverless"
            out.append(_product("AWSLambda", family, {**loc, "group": group, "usagetype": f"{prefix}-{group}"}, [("0", "6000000000", usd, unit)]))
        out.append(
            _product(
                "AWSQueueService",
                "API Request",
                {**loc, "queueType": "Standard", "usagetype": f"{prefix}-Requests-Tier1"},
                [("0", "1000000", "0.0000000000", "Requests"), ("1000000", "100000000000", "0.0000004000", "Requests")],
            )
        )
        rru, wru = ("0.000000125", "0.000000625") if region == "us-east-1" else ("0.0000001415", "0.0000007075")
        for group, usd in (("DDB-ReadUnits", rru), ("DDB-WriteUnits", wru)):
            out.append(_product("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", {**loc, "group": group}, [("0", None, usd, "ReadRequestUnits" if "Read" in group else "WriteRequestUnits")]))
        for group, usd in (("S3-API-Tier1", "0.000005"), ("S3-API-Tier2", "0.0000004")):
            out.append(_product("AmazonS3", "API Request", {**loc, "group": group}, [("0", None, usd, "Requests")]))
        out.append(_product("AWSDataTransfer", "Data Transfer", {"fromRegionCode": region, "transferType": "InterRegion Outbound"}, [("0", None, "0.0200000000", "GB")]))
        out.append(
            _product(
                "AWSDataTransfer",
                "Data Transfer",
                {"fromRegionCode": region, "transferType": "AWS Outbound"},
                [("0", "100", "0.0000000000", "GB"), ("100", "10240", "0.0900000000", "GB"), ("10240", None, "0.0850000000", "GB")],
            )
        )
    return out


PRODUCTS = _products()


def _matches(product: dict[str, Any], filters: list[dict[str, str]]) -> bool:
    attrs = product["product"]["attributes"]
    for f in filters:
        field, value = f.get("Field"), f.get("Value")
        actual = product["product"].get("productFamily") if field == "productFamily" else attrs.get(field or "")
        if actual != value:
            return False
    return True


def get_products(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    service = request.get("ServiceCode")
    if not service:
        return 400, {"__type": "InvalidParameterException", "Message": "ServiceCode is required"}
    filters = request.get("Filters") or []
    matching = [p for p in PRODUCTS if p["serviceCode"] == service and _matches(p, filters)]
    size = int(request.get("MaxResults") or 100)
    start = int(request.get("NextToken") or 0)
    page = matching[start : start + size]
    body: dict[str, Any] = {"FormatVersion": request.get("FormatVersion") or "aws_v1", "PriceList": [json.dumps(p) for p in page]}
    if start + size < len(matching):
        body["NextToken"] = str(start + size)
    return 200, body
