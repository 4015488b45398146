// The Content-Type of an upload, by file name: the classes a synced website needs, and the fallback.
import { contentTypeFor } from '../../../src/services/transfer/content-type';

test.each([
  ['index.html', 'text/html'],
  ['site/STYLE.CSS', 'text/css'],
  ['app.mjs', 'text/javascript'],
  ['app.js.map', 'application/json'],
  ['data.json', 'application/json'],
  ['fonts/inter.woff2', 'font/woff2'],
  ['fonts/inter.woff', 'font/woff'],
  ['fonts/icons.ttf', 'font/ttf'],
  ['fonts/serif.otf', 'font/otf'],
  ['photo.avif', 'image/avif'],
  ['photo.webp', 'image/webp'],
  ['logo.svg', 'image/svg+xml'],
  ['clip.webm', 'video/webm'],
  ['clip.mp4', 'video/mp4'],
  ['clip.mov', 'video/quicktime'],
  ['song.ogg', 'audio/ogg'],
  ['song.wav', 'audio/wav'],
  ['song.mp3', 'audio/mpeg'],
  ['report.pdf', 'application/pdf'],
  ['backup.tar', 'application/x-tar'],
])('%s is %s', (name, type) => {
  expect(contentTypeFor(name)).toBe(type);
});

test.each(['README', 'notes.unknownext', '.bashrc', 'folder/'])('%s has no known type: application/octet-stream', (name) => {
  expect(contentTypeFor(name)).toBe('application/octet-stream');
});
