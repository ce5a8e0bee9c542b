// Shapes of the Passerelle HTTP API (/api), as written in the contract the server implements, one file per
// area under ./types/; everything is re-exported here so `import … from '…/api/types.ts'` keeps working.
export * from './types/account.ts';
export * from './types/channels.ts';
export * from './types/publishing.ts';
