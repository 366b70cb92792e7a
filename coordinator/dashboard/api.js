// The coordinator's API, with the tenant's key from this browser tab's session storage: it is
// sent as a header, never put in a URL, and gone when the tab closes or the user signs out.
const keyName = 'strata.key';

export function signedIn() {
  return sessionStorage.getItem(keyName) !== null;
}

export function signIn(key) {
  sessionStorage.setItem(keyName, key);
}

export function signOut() {
  sessionStorage.removeItem(keyName);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(path, accept) {
  const response = await fetch(path, {
    headers: { Authorization: 'Bearer ' + sessionStorage.getItem(keyName), Accept: accept },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // not a JSON error body: the status says enough
    }
    if (response.status === 401) signOut();
    throw new ApiError(response.status, message);
  }
  return response;
}

export async function get(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  const url = query.toString() ? `${path}?${query}` : path;
  return (await request(url, 'application/json')).json();
}

// A download the browser saves (the PDF report, a CSV export): fetched with the key, then handed
// to the browser as a blob, so the key never rides in a link.
export async function download(path, params, filename, accept) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  const response = await request(query.toString() ? `${path}?${query}` : path, accept);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
