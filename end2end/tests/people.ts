// What no figures-only page may show: the demo ward's people, read through the API as its admin.
import { expect, request as requests } from "@playwright/test";
import { PASSWORD, PHONES } from "./accounts";

/// Names and addresses of the demo ward's people: its accounts, the heads of household and
/// addresses of three TDPs, and every resident of twenty of their households.
export async function personalWords(baseURL: string): Promise<string[]> {
  const admin = await requests.newContext({ baseURL });
  expect((await admin.post("/api/v1/session", { data: { phone: PHONES.admin, password: PASSWORD } })).status()).toBe(200);
  const tdps = await (await admin.get("/api/v1/wards/619/tdps")).json();
  const words = new Set<string>();
  for (const account of await (await admin.get("/api/v1/wards/619/accounts")).json()) words.add(account.full_name);
  const households: string[] = [];
  for (const tdp of tdps.slice(0, 3)) {
    const list = await (await admin.get(`/api/v1/tdps/${tdp.id}/households?limit=200`)).json();
    for (const h of list) {
      words.add(h.head_name);
      words.add(h.address);
      households.push(h.id);
    }
  }
  for (const id of households.slice(0, 20)) {
    const household = await (await admin.get(`/api/v1/households/${id}`)).json();
    for (const r of household.residents) words.add(r.full_name);
  }
  await admin.dispose();
  return [...words];
}
