import { describe, expect, it } from "vitest";
import { DEFAULT_SEGMENT_MAP } from "../../domain/segment-map";
import { cellField, traitField } from "../../domain/settings";
import { parseSettingsForm } from "./form.server";

function form(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const fields: Record<string, string | undefined> = {
    churnHorizonDays: "60",
    tagPrefix: "seg-",
    holdoutPercent: "5",
    writeBackEnabled: "on",
    traitTagPrefix: "trait:",
    [traitField("discount_seeker")]: "on",
    [traitField("recovered")]: "on",
  };
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) fields[cellField(r, f)] = DEFAULT_SEGMENT_MAP.grid[r - 1][f - 1];
  return { ...fields, ...overrides };
}

const errorsOf = (input: Record<string, string | undefined> | FormData) => {
  const parsed = parseSettingsForm(input);
  return parsed.ok ? {} : parsed.errors;
};

describe("parseSettingsForm", () => {
  it("turns valid fields into settings values", () => {
    const parsed = parseSettingsForm(form({ [cellField(5, 1)]: "champions", tagPrefix: "  seg-  " }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.values).toMatchObject({ churnHorizonDays: 60, tagPrefix: "seg-", holdoutPercent: 5, writeBackEnabled: true });
    expect(parsed.values.segmentMap.grid[4][0]).toBe("champions");
  });

  it("reads FormData; an unchecked checkbox (absent) is false", () => {
    const data = new FormData();
    for (const [k, v] of Object.entries(form({ writeBackEnabled: undefined }))) if (v !== undefined) data.set(k, v);
    const parsed = parseSettingsForm(data);
    expect(parsed.ok && parsed.values.writeBackEnabled).toBe(false);
  });

  it("a checked checkbox counts whatever its value, as browsers submit it (Polaris renders value=\"\")", () => {
    const data = new FormData();
    for (const [k, v] of Object.entries(form({ writeBackEnabled: "", [traitField("discount_seeker")]: "", [traitField("recovered")]: "false" }))) if (v !== undefined) data.set(k, v);
    const parsed = parseSettingsForm(data);
    expect(parsed.ok && parsed.values.writeBackEnabled).toBe(true);
    expect(parsed.ok && parsed.values.enabledTraits).toEqual(["discount_seeker"]);
  });

  it("keys each error by its field", () => {
    expect(errorsOf(form({ tagPrefix: "rfm tag!", [cellField(5, 1)]: "vip", churnHorizonDays: "3", holdoutPercent: "" }))).toEqual({
      tagPrefix: "Tag prefix may contain only letters, digits, -, _ and :",
      [cellField(5, 1)]: "R5 F1: choose a segment",
      churnHorizonDays: "Churn horizon must be between 7 and 365",
      holdoutPercent: "Holdout percent is required",
      segmentMap: "The segment map needs a segment in every cell",
    });
  });

  it("applies the limits at both ends", () => {
    expect(errorsOf(form({ churnHorizonDays: "7", holdoutPercent: "0" }))).toEqual({});
    expect(errorsOf(form({ churnHorizonDays: "365", holdoutPercent: "50", tagPrefix: "a".repeat(20) }))).toEqual({});
    expect(errorsOf(form({ churnHorizonDays: "366" }))).toEqual({ churnHorizonDays: "Churn horizon must be between 7 and 365" });
    expect(errorsOf(form({ holdoutPercent: "51" }))).toEqual({ holdoutPercent: "Holdout percent must be between 0 and 50" });
    expect(errorsOf(form({ holdoutPercent: "-1" }))).toEqual({ holdoutPercent: "Holdout percent must be between 0 and 50" });
    expect(errorsOf(form({ churnHorizonDays: "30.5" }))).toEqual({ churnHorizonDays: "Churn horizon must be a whole number" });
    expect(errorsOf(form({ tagPrefix: "a".repeat(21) }))).toEqual({ tagPrefix: "Tag prefix must be at most 20 characters" });
    expect(errorsOf(form({ tagPrefix: "" }))).toEqual({ tagPrefix: "Tag prefix is required" });
    expect(errorsOf(form({ churnHorizonDays: undefined }))).toEqual({ churnHorizonDays: "Churn horizon is required" });
  });

  it("reads the opt-out tag when the form has it, and refuses a list", () => {
    const parsed = parseSettingsForm(form({ optOutTag: "  do-not-profile " }));
    expect(parsed.ok && parsed.values.optOutTag).toBe("do-not-profile");
    const absent = parseSettingsForm(form());
    expect(absent.ok && absent.values.optOutTag).toBeUndefined();
    expect(errorsOf(form({ optOutTag: "a, b" }))).toEqual({ optOutTag: "Opt-out tag is one tag: no commas" });
    expect(errorsOf(form({ optOutTag: " " }))).toEqual({ optOutTag: "Opt-out tag is required" });
  });

  it("reads the trait switches and checks the trait tag prefix", () => {
    const parsed = parseSettingsForm(form({ [traitField("vip_at_risk")]: "on", [traitField("no_such_trait")]: "on" }));
    expect(parsed.ok && parsed.values.enabledTraits).toEqual(["discount_seeker", "recovered", "vip_at_risk"]);
    expect(parsed.ok && parsed.values.traitTagPrefix).toBe("trait:");
    expect(errorsOf(form({ traitTagPrefix: "" }))).toEqual({ traitTagPrefix: "Trait tag prefix is required" });
    expect(errorsOf(form({ traitTagPrefix: "SEG-" }))).toEqual({ traitTagPrefix: "Trait tag prefix must differ from the segment tag prefix" });
    expect(errorsOf(form({ traitTagPrefix: "t t" }))).toEqual({ traitTagPrefix: "Trait tag prefix may contain only letters, digits, -, _ and :" });
    // None checked: no traits written.
    const none = parseSettingsForm(form({ [traitField("discount_seeker")]: undefined, [traitField("recovered")]: undefined }));
    expect(none.ok && none.values.enabledTraits).toEqual([]);
  });
});
