import { describe, expect, it } from "vitest";
import { DEFAULT_SEGMENT_MAP, SEGMENT_KEYS, SEGMENT_NAMES, parseSegmentMap, segmentFor, withCell } from "./segment-map";

describe("segment map", () => {
  it("covers all 25 cells with known keys", () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) {
      const key = segmentFor(DEFAULT_SEGMENT_MAP, r, f);
      expect(SEGMENT_KEYS).toContain(key);
      seen.add(key);
    }
    expect(seen.size).toBe(10); // every named segment is reachable
  });

  it("matches the default table in docs/scoring.md, keyed by R then F", () => {
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 5, 1)).toBe("new_customers");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 5, 4)).toBe("champions");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 4, 1)).toBe("promising");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 3, 3)).toBe("need_attention");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 3, 2)).toBe("about_to_sleep");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 2, 5)).toBe("cant_lose_them");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 1, 3)).toBe("at_risk");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 1, 1)).toBe("hibernating");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 4, 5)).toBe("loyal_customers");
    expect(SEGMENT_NAMES.cant_lose_them).toBe("Can't Lose Them");
  });

  it("validates edited maps and rejects bad ones", () => {
    const edited = withCell(DEFAULT_SEGMENT_MAP, 1, 1, "at_risk");
    expect(segmentFor(parseSegmentMap(JSON.parse(JSON.stringify(edited))), 1, 1)).toBe("at_risk");
    expect(segmentFor(DEFAULT_SEGMENT_MAP, 1, 1)).toBe("hibernating"); // original untouched
    expect(() => parseSegmentMap({ grid: [["champions"]] })).toThrow();
    const badKey = JSON.parse(JSON.stringify(DEFAULT_SEGMENT_MAP));
    badKey.grid[0][0] = "vip";
    expect(() => parseSegmentMap(badKey)).toThrow();
    expect(() => segmentFor(DEFAULT_SEGMENT_MAP, 0, 1)).toThrow(RangeError);
  });
});
