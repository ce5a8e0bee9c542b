import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getConnector, isNetworkId, networks } from './registry.ts';

test('every registered network resolves to a connector declaring that network', () => {
  assert.deepEqual([...networks].sort(), ['bluesky', 'google-business', 'mastodon']);
  for (const id of networks) assert.equal(getConnector(id).network, id);
});

test('isNetworkId accepts known ids only', () => {
  assert.equal(isNetworkId('mastodon'), true);
  assert.equal(isNetworkId('myspace'), false);
  assert.equal(isNetworkId('toString'), false);
});

test('capabilities match what each connector implements for moderation', () => {
  assert.deepEqual(getConnector('bluesky').capabilities.moderation, ['hide', 'unhide', 'block', 'unblock']);
  assert.deepEqual(getConnector('mastodon').capabilities.moderation, ['block', 'unblock']);
});
