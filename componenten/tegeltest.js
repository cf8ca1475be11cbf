// Asks for one base-map tile the way the map itself would (fetch, CORS) and tells the app
// when it came. Plotly stops answering clicks on a map whose tiles fail before its first
// paint, so the app adds the base map only once this browser has fetched a tile.
// One fetch per tile address per page load, however often the app draws this. Only a
// success is sent: without it the app already draws no base map, so a failure needs no
// new run. <html data-kw-tegeltest> says how far it is ("bezig", "onbereikbaar",
// "bereikbaar"); browser tests wait on it.
export default function (component) {
  const { data, setStateValue } = component;
  const url = data && data.url;
  if (!url) { return; }
  const proeven = (window.__kwTegeltest = window.__kwTegeltest || {});
  const markeer = (stand) => { document.documentElement.dataset.kwTegeltest = stand; };
  if (!proeven[url]) {
    markeer("bezig");
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), data.timeout_ms || 5000);
    proeven[url] = fetch(url, { mode: "cors", cache: "no-store", signal: controller.signal })
      .then((response) => response.ok, () => false)
      .then((bereikbaar) => {
        clearTimeout(timer);
        markeer(bereikbaar ? "bereikbaar" : "onbereikbaar");
        return bereikbaar;
      });
  }
  proeven[url].then((bereikbaar) => { if (bereikbaar) { setStateValue("bereikbaar", true); } });
}
