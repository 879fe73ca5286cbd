// Which sites can reach each other over links. A link carries traffic both ways, so sites joined by
// links in either direction, directly or through others, form one network. Pure.

/** Each site id mapped to the id of its network (the smallest site id in it), from the links read. */
export function networksOf(network: { sites: { id: string }[]; links: { from?: string; to?: string }[] }): Map<string, string> {
  const parent = new Map<string, string>(network.sites.map((s) => [s.id, s.id]));
  const root = (id: string): string => {
    let r = id;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(id, r);
    return r;
  };
  for (const l of network.links) {
    if (!l.from || !l.to || !parent.has(l.from) || !parent.has(l.to)) continue;
    const [a, b] = [root(l.from), root(l.to)];
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  return new Map([...parent.keys()].map((id) => [id, root(id)]));
}
