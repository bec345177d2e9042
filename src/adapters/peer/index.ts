export { type PeerCode, peerCodes } from './codes.ts';
export {
  createPeerClient,
  type HandOver,
  type PeerAddress,
  type PeerCallResult,
  type PeerClient,
  type PeerClientOptions,
  type PeerFetched,
  type PeerInboxItem,
} from './peer-client.ts';
