/**
 * CDNOW (Hardie's data) → the transactions CSV contract, so the real data can be scored.
 * Input rows: [customer_id] date(YYYYMMDD) number_of_cds dollar_value, whitespace separated;
 * CDNOW_master.txt has a header and 4 columns, CDNOW_sample.txt no header and 5 columns
 * (master id, sample id, ...). order_id = customer-date-row, processed_at = the date at 00:00Z.
 */
import { createReadStream, createWriteStream } from "node:fs";
import split2 from "split2";
import { MoneyParseError, formatMinor, parseMoneyToMinor } from "../domain/money";
import { InputError } from "./input-error";

export async function convertCdnow(file: string, outputFile?: string): Promise<void> {
  const lines: string[] = ["customer_id,order_id,processed_at,amount"];
  let lineNo = 0;
  let row = 0;
  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(file);
    input.on("error", (e) => reject(new InputError(file, 0, 0, `cannot read file: ${e.message}`)));
    const stream = input.pipe(split2());
    stream.on("data", (raw: string) => {
      lineNo++;
      const cells = raw.trim().split(/\s+/);
      if (cells.length === 1 && cells[0] === "") return;
      if (lineNo === 1 && !/^\d/.test(cells[0])) return; // header
      if (cells.length !== 4 && cells.length !== 5) {
        stream.destroy();
        reject(new InputError(file, lineNo, 1, `expected 4 or 5 whitespace-separated columns, found ${cells.length}`));
        return;
      }
      const off = cells.length - 4;
      const customer = cells[0];
      const date = cells[1 + off];
      if (!/^\d{8}$/.test(date)) {
        stream.destroy();
        reject(new InputError(file, lineNo, 2 + off, `unparsable date ${JSON.stringify(date)} (expected YYYYMMDD)`));
        return;
      }
      let minor: number;
      try {
        minor = parseMoneyToMinor(cells[3 + off]);
      } catch (e) {
        stream.destroy();
        reject(new InputError(file, lineNo, 4 + off, `unparsable amount: ${e instanceof MoneyParseError ? e.message : String(e)}`));
        return;
      }
      row++;
      const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00Z`;
      lines.push(`${customer},${customer}-${date}-${row},${iso},${formatMinor(minor)}`);
    });
    stream.on("end", () => resolve());
    stream.on("error", (e: Error) => reject(e));
  });
  const text = `${lines.join("\n")}\n`;
  if (outputFile) {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(outputFile);
      out.on("error", reject);
      out.end(text, () => resolve());
    });
  } else {
    await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  }
}
