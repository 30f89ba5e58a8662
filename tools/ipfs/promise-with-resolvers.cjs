// js-ipfs 0.66 (through its libp2p dependencies) calls Promise.withResolvers, which Node 20
// lacks; load this with NODE_OPTIONS=--require <this file> before starting `jsipfs`.
'use strict'
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve
    let reject
    const promise = new this((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}
